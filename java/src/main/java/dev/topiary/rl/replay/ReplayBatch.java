package dev.topiary.rl.replay;

import dev.topiary.backend.Tensor;

/**
 * A sample drawn by a {@link ReplayBuffer}: the start slots it drew and the tensors it filled. The tensors belong to
 * the buffer and are overwritten by its next sample of the same kind; copy what must outlive that.
 */
public abstract sealed class ReplayBatch permits NStepBatch, SequenceBatch {
    private final Tensor indices;
    long generation = -1;

    ReplayBatch(Tensor indices) {
        this.indices = indices;
    }

    /** {@code I32[B×1]}: the start slot of each sampled sub-trajectory. */
    public Tensor indices() {
        return indices;
    }
}
