package dev.topiary.sparse;

import dev.topiary.nn.DenseGradients;
import dev.topiary.sparse.SparseLayers.Growth;
import dev.topiary.sparse.TopologyReport.LayerChange;

import java.util.ArrayList;
import java.util.List;

/**
 * Sparse-to-dense training, in the spirit of Neuroplastic Expansion (Liu et al. 2025): start from random ER masks at
 * sparsity s0 and follow {@code s(t) = s0 (1 + cos(π t / T_end)) / 2} until T_end (dense from then on). Every ΔT
 * steps (and at T_end) layer l grows, by largest dense-gradient magnitude, to
 * {@code round(d_l(t) · n_l)} active entries with {@code d_l(t) = d_l + (1 − d_l)(1 − (1 + cos(π t / T_end))/2)}.
 * New connections start at zero with zero moments; nothing is pruned.
 */
final class SparseToDenseRegime implements Regime {
    private final SparseLayers layers;
    private final double[] initial;
    private final int interval;
    private final long tEnd;

    SparseToDenseRegime(SparseLayers layers, double initialSparsity, int interval, long tEnd) {
        this.layers = layers;
        this.initial = layers.erDensities(initialSparsity);
        this.interval = interval;
        this.tEnd = tEnd;
    }

    @Override
    public String name() {
        return "sparse-to-dense";
    }

    @Override
    public void initialise() {
        for (int i = 0; i < layers.size(); i++) {
            if (initial[i] < 1) {
                layers.randomMask(i, layers.count(i, initial[i]));
            }
        }
    }

    @Override
    public boolean updateDue(long t) {
        return t > 0 && t <= tEnd && (t % interval == 0 || t == tEnd);
    }

    /** Layer i's density at step t. */
    double density(int i, long t) {
        return initial[i] + (1 - initial[i]) * (1 - Schedules.cosineFactor(t, tEnd));
    }

    @Override
    public TopologyReport update(long t, DenseGradients gradients) {
        List<LayerChange> changes = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            if (initial[i] == 1) {
                continue;
            }
            int grow = Math.max(0, layers.count(i, density(i, t)) - layers.nnz(i));
            changes.add(layers.rewire(i, 0, grow, Growth.GRADIENT, t, gradients));
        }
        return new TopologyReport(name(), t, changes);
    }
}
