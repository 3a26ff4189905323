package dev.topiary.rl.simba;

import dev.topiary.backend.Backend;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import dev.topiary.rl.replay.NStepBatch;

/**
 * A sampled batch's observations and next observations as a SimBa update reads them: normalised with the current
 * running statistics, or copied unchanged when normalisation is off (replay keeps raw observations, so each update
 * normalises its batch itself). Both live in the update's own {@code F32[batch×obsDim]} buffers.
 */
public final class NormalisedObservations {
    private final Backend b;
    private final ObservationNormalizer normalizer;
    private final Tensor obs;
    private final Tensor nextObs;

    /** @param normalizer the agent's statistics, or null when normalisation is off */
    public NormalisedObservations(Backend b, TensorArena arena, ObservationNormalizer normalizer, int batch,
                                  int obsDim) {
        this.b = b;
        this.normalizer = normalizer;
        this.obs = arena.f32(batch, obsDim);
        this.nextObs = arena.f32(batch, obsDim);
    }

    /** Fills {@link #obs()} and {@link #nextObs()} from {@code batch}. */
    public void load(NStepBatch batch) {
        normalise(batch.obs(), obs);
        normalise(batch.nextObs(), nextObs);
    }

    private void normalise(Tensor raw, Tensor out) {
        if (normalizer == null) {
            b.elements().copy(raw, out);
        } else {
            normalizer.apply(raw, out);
        }
    }

    /** s, normalised. */
    public Tensor obs() {
        return obs;
    }

    /** s', normalised. */
    public Tensor nextObs() {
        return nextObs;
    }
}
