package dev.topiary.sparse;

import dev.topiary.nn.DenseGradients;
import dev.topiary.sparse.SparseLayers.Growth;
import dev.topiary.sparse.TopologyReport.LayerChange;

import java.util.ArrayList;
import java.util.List;

/**
 * Sparse-to-sparse training at constant per-layer density: RigL (Evci et al. 2020) grows by largest dense-gradient
 * magnitude, SET (Mocanu et al. 2018) at random. Starting from random ER masks, every ΔT steps while
 * {@code t < T_end}, each sparse layer drops the {@code k = ⌊f(t)·|A|⌋} active weights of smallest |W|, with
 * {@code f(t) = (α/2)(1 + cos(π t / T_end))}, and grows k inactive ones (just-dropped ones included); new connections
 * start at zero with zero moments, and a dropped-then-regrown one keeps its value.
 */
final class PruneAndRegrowRegime implements Regime {
    private final SparseLayers layers;
    private final double sparsity;
    private final int interval;
    private final double alpha;
    private final long tEnd;
    private final Growth growth;

    PruneAndRegrowRegime(SparseLayers layers, double sparsity, int interval, double alpha, long tEnd, Growth growth) {
        this.layers = layers;
        this.sparsity = sparsity;
        this.interval = interval;
        this.alpha = alpha;
        this.tEnd = tEnd;
        this.growth = growth;
    }

    @Override
    public String name() {
        return growth == Growth.GRADIENT ? "rigl" : "set";
    }

    @Override
    public void initialise() {
        StaticSparseRegime.randomErMasks(layers, sparsity);
    }

    @Override
    public boolean updateDue(long t) {
        return t > 0 && t % interval == 0 && t < tEnd;
    }

    @Override
    public TopologyReport update(long t, DenseGradients gradients) {
        List<LayerChange> changes = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.nnz(i) == layers.entries(i)) {
                continue;
            }
            int k = Schedules.dropCount(t, alpha, tEnd, layers.nnz(i));
            changes.add(layers.rewire(i, k, k, growth, t, gradients));
        }
        return new TopologyReport(name(), t, changes);
    }
}
