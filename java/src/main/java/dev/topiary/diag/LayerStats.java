package dev.topiary.diag;

/**
 * One linear layer's connectivity and size: its shape, the active count the layer records, the count realised in its
 * storage (set mask entries, or the compact row pointers' total), the realised sparsity and the weight's ℓ₂ norm.
 */
public record LayerStats(String layer, String layout, int rows, int cols, long nnz, long realisedActive,
                         double weightNorm) {

    /** {@code 1 − realisedActive / (rows · cols)}. */
    public double realisedSparsity() {
        return 1 - (double) realisedActive / ((long) rows * cols);
    }

    /** True when the recorded count and the storage agree. */
    public boolean consistent() {
        return nnz == realisedActive;
    }
}
