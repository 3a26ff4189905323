package dev.topiary.sparse;

import dev.topiary.nn.DenseGradients;

import java.util.List;

/**
 * Static sparse training (SST): one-shot random pruning at initialisation to the ER densities of sparsity S, and the
 * mask never changes. Saturated layers (density 1) stay dense.
 */
final class StaticSparseRegime implements Regime {
    private final SparseLayers layers;
    private final double sparsity;

    StaticSparseRegime(SparseLayers layers, double sparsity) {
        this.layers = layers;
        this.sparsity = sparsity;
    }

    @Override
    public String name() {
        return "static";
    }

    @Override
    public void initialise() {
        randomErMasks(layers, sparsity);
    }

    /** Random masks of exactly round(d_l · n_l) entries for every layer below density 1. */
    static void randomErMasks(SparseLayers layers, double sparsity) {
        double[] d = layers.erDensities(sparsity);
        for (int i = 0; i < layers.size(); i++) {
            if (d[i] < 1) {
                layers.randomMask(i, layers.count(i, d[i]));
            }
        }
    }

    @Override
    public boolean updateDue(long step) {
        return false;
    }

    @Override
    public TopologyReport update(long step, DenseGradients gradients) {
        return new TopologyReport(name(), step, List.of());
    }
}
