package dev.topiary.rl.simba;

import dev.topiary.backend.Tensor;
import dev.topiary.rl.replay.NStepBatch;

/**
 * One gradient update of a SimBa agent, as {@link SimbaAgent#train} runs it inside a graphed step: every op on the
 * device, no host transfer (the observation statistics are uploaded before the step).
 */
public interface SimbaUpdate {
    /**
     * One update on {@code batch}; {@code index} counts the run's updates ({@code trainCalls · updatesPerStep + k}),
     * so an update that draws noise keys it by the index and a resumed run draws what an uninterrupted one would.
     */
    void run(NStepBatch batch, long index);

    /** The {@code 1×1} device scalars behind the metrics, in a fixed order: a checkpoint stores their values. */
    Tensor[] metricTensors();
}
