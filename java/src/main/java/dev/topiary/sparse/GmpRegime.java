package dev.topiary.sparse;

import dev.topiary.nn.DenseGradients;
import dev.topiary.sparse.SparseLayers.Growth;
import dev.topiary.sparse.TopologyReport.LayerChange;

import java.util.ArrayList;
import java.util.List;

/**
 * Dense-to-sparse training by gradual magnitude pruning (Zhu and Gupta 2017). Every layer starts dense; every ΔT steps
 * from t0 to t1 (and at t1), layer l keeps its {@code round(d_l(t) · n_l)} largest-magnitude weights, with
 * {@code d_l(t) = d_l + (1 − d_l)(1 − (t − t0)/(t1 − t0))³}, i.e. the cubic schedule from sparsity 0 to the layer's
 * ER target {@code 1 − d_l}. Pruned weights stay pruned.
 */
final class GmpRegime implements Regime {
    private final SparseLayers layers;
    private final double[] target;
    private final int interval;
    private final long t0;
    private final long t1;

    GmpRegime(SparseLayers layers, double sparsity, int interval, long t0, long t1) {
        this.layers = layers;
        this.target = layers.erDensities(sparsity);
        this.interval = interval;
        this.t0 = t0;
        this.t1 = t1;
    }

    @Override
    public String name() {
        return "gmp";
    }

    @Override
    public void initialise() {
        for (int i = 0; i < layers.size(); i++) {
            if (target[i] < 1) {
                layers.allActive(i);
            }
        }
    }

    @Override
    public boolean updateDue(long t) {
        return t >= t0 && t <= t1 && (t % interval == 0 || t == t1);
    }

    /** Layer i's density at step t. */
    double density(int i, long t) {
        return target[i] + (1 - target[i]) * Schedules.cubicRemaining(t, t0, t1);
    }

    @Override
    public TopologyReport update(long t, DenseGradients gradients) {
        List<LayerChange> changes = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            if (target[i] == 1) {
                continue;
            }
            int prune = Math.max(0, layers.nnz(i) - layers.count(i, density(i, t)));
            changes.add(layers.rewire(i, prune, 0, Growth.RANDOM, t, gradients));
        }
        return new TopologyReport(name(), t, changes);
    }
}
