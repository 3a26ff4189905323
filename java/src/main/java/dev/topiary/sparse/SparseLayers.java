package dev.topiary.sparse;

import dev.topiary.backend.Backend;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TopologyOps;
import dev.topiary.nn.DenseGradients;
import dev.topiary.nn.DenseView;
import dev.topiary.nn.Linear;
import dev.topiary.nn.Module;
import dev.topiary.nn.Network;
import dev.topiary.nn.Streams;
import dev.topiary.nn.WeightParameter;
import dev.topiary.nn.Workspace;
import dev.topiary.sparse.TopologyReport.LayerChange;

import java.util.ArrayList;
import java.util.List;

/**
 * A module's linear layers as the regimes see them: shapes, ER densities, and the per-layer topology edits, each run
 * on the backend's dense view of the weight (masks and values never travel to the host). After every edit, entries
 * inactive in the new mask, and entries that just became active, are zero in the values and both AdamW moments.
 */
final class SparseLayers {
    private final List<Linear> layers = new ArrayList<>();
    /** Network-qualified names for the reports, e.g. {@code q1/hidden0.linear}. */
    private final List<String> names = new ArrayList<>();
    private final long seed;

    SparseLayers(Module module, long seed) {
        for (Network n : module.networks()) {
            for (Linear l : n.linears()) {
                layers.add(l);
                names.add(n.name() + "/" + l.name());
            }
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("module " + module.name() + " has no linear layer to sparsify");
        }
        this.seed = seed;
    }

    int size() {
        return layers.size();
    }

    int nnz(int i) {
        return layers.get(i).weight().nnz();
    }

    long entries(int i) {
        WeightParameter w = layers.get(i).weight();
        return (long) w.rows() * w.cols();
    }

    List<int[]> shapes() {
        List<int[]> shapes = new ArrayList<>();
        for (Linear l : layers) {
            shapes.add(new int[] {l.weight().rows(), l.weight().cols()});
        }
        return shapes;
    }

    /** ER densities of these layers at global sparsity {@code s}. */
    double[] erDensities(double s) {
        return ErdosRenyi.densities(shapes(), s);
    }

    /** {@code round(d · n)} for layer i. */
    int count(int i, double density) {
        WeightParameter w = layers.get(i).weight();
        return ErdosRenyi.activeCount(density, w.rows(), w.cols());
    }

    /** Gives layer i a uniformly random mask of exactly {@code k} active entries (its own Philox stream). */
    void randomMask(int i, int k) {
        WeightParameter w = layers.get(i).weight();
        Backend b = backend(i);
        DenseView view = w.openView();
        b.topology().randomMask(view.mask(), k, seed, Streams.maskInit(i));
        b.topology().applyMaskChange(view.mask(), view.mask(), view.values(), view.m(), view.v());
        w.closeView(view, k);
    }

    /** Makes layer i masked with every entry active, ready to be pruned. */
    void allActive(int i) {
        WeightParameter w = layers.get(i).weight();
        w.closeView(w.openView(), w.rows() * w.cols());
    }

    /** How new connections are chosen. */
    enum Growth { GRADIENT, RANDOM }

    /**
     * Drops the {@code prune} smallest-magnitude active entries of layer i, then activates {@code grow} inactive
     * entries (just-dropped ones included) by largest dense-gradient magnitude or at random.
     */
    LayerChange rewire(int i, int prune, int grow, Growth growth, long step, DenseGradients gradients) {
        Linear layer = layers.get(i);
        WeightParameter w = layer.weight();
        Backend b = backend(i);
        TopologyOps topo = b.topology();
        int before = w.nnz();
        if (prune == 0 && grow == 0) {
            return new LayerChange(names.get(i), w.rows(), w.cols(), before, 0, 0, before);
        }
        DenseView view = w.openView();
        Tensor old = workspace(i).u8("topology.before", w.rows(), w.cols());
        b.elements().copy(view.mask(), old);
        if (prune > 0) {
            topo.pruneSmallest(view.values(), view.mask(), before, prune);
        }
        int active = before - prune;
        if (grow > 0 && growth == Growth.GRADIENT) {
            Tensor g = workspace(i).f32("topology.grad", w.rows(), w.cols());
            gradients.write(layer, g);
            topo.growLargest(g, view.mask(), active, grow);
        } else if (grow > 0) {
            topo.growRandom(view.mask(), active, grow, seed, Streams.randomGrowth(i, step));
        }
        topo.applyMaskChange(old, view.mask(), view.values(), view.m(), view.v());
        w.closeView(view, active + grow);
        return new LayerChange(names.get(i), w.rows(), w.cols(), before, prune, grow, active + grow);
    }

    private Backend backend(int i) {
        return layers.get(i).context().backend();
    }

    private Workspace workspace(int i) {
        return layers.get(i).context().workspace();
    }
}
