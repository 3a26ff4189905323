package dev.topiary.diag;

import dev.topiary.backend.Backend;
import dev.topiary.backend.ElementOps;
import dev.topiary.backend.ReduceOps;
import dev.topiary.backend.SparseWeight;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import dev.topiary.linalg.Spectrum;
import dev.topiary.nn.Linear;
import dev.topiary.nn.Module;
import dev.topiary.nn.Network;
import dev.topiary.nn.Parameter;
import dev.topiary.nn.Pass;
import dev.topiary.nn.Pass.Feature;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * On-demand diagnostics (mst-spec.md §6): dormant-neuron ratios (τ = 0.1 and 0.2), stable rank (δ = 0.01), feature,
 * weight and gradient norms, and realised sparsity per layer. Reductions run on the backend; only per-neuron means,
 * scalars and the representation matrix for the stable rank come to the host. Networks are probed through passes of
 * this object's own (allocated once per network and batch size), so a probe never disturbs a training pass's caches.
 */
public final class Diagnostics {
    /** The dormant thresholds the sibling paper reports. */
    public static final double[] DORMANT_TAUS = {0.1, 0.2};
    /** Stable-rank threshold δ. */
    public static final double SRANK_DELTA = 0.01;

    private final Map<Network, Map<Integer, Pass>> passes = new HashMap<>();

    /** Forward {@code batch} through {@code net} and score its activation layers and its representation. */
    public RepresentationStats representation(Network net, Tensor batch) {
        Pass pass = passes.computeIfAbsent(net, n -> new HashMap<>()).computeIfAbsent(batch.rows(), net::newPass);
        pass.forward(batch);
        List<Feature> features = new ArrayList<>();
        pass.features(features);
        if (features.isEmpty()) {
            throw new IllegalArgumentException("network " + net.name() + " has no activation layer to diagnose");
        }
        List<DormantStats> dormant = dormant(features, DORMANT_TAUS);
        Tensor phi = features.getLast().output();
        float[] host = phi.toFloats();
        int srank = Spectrum.stableRank(Spectrum.singularValues(host, phi.rows(), phi.cols()), SRANK_DELTA);
        return new RepresentationStats(net.name(), dormant, srank, SRANK_DELTA, featureNorm(host, phi.cols()),
                phi.cols());
    }

    /** Dormant counts summed over every feature layer, one entry per τ. */
    public static List<DormantStats> dormant(List<Feature> features, double... taus) {
        List<DormantStats> total = new ArrayList<>();
        for (double tau : taus) {
            total.add(new DormantStats(tau, 0, 0));
        }
        for (Feature f : features) {
            double[] meanAbs = meanAbsolute(f.output());
            for (int i = 0; i < taus.length; i++) {
                total.set(i, total.get(i).plus(DormantStats.of(taus[i], meanAbs)));
            }
        }
        return total;
    }

    /** {@code E_x |h_i(x)|} per column of {@code h}, reduced on the backend. */
    static double[] meanAbsolute(Tensor h) {
        Backend b = h.backend();
        try (TensorArena arena = b.newArena()) {
            Tensor abs = arena.f32(h.rows(), h.cols());
            Tensor mean = arena.f32(1, h.cols());
            b.elements().unary(ElementOps.Unary.ABS, h, abs);
            b.reduce().cols(ReduceOps.Kind.MEAN, abs, 0f, mean);
            return mean.toDoubles();
        }
    }

    /** Mean over rows of each row's ℓ₂ norm, in double. */
    static double featureNorm(float[] rows, int width) {
        int n = rows.length / width;
        double total = 0;
        for (int r = 0; r < n; r++) {
            double ss = 0;
            for (int c = 0; c < width; c++) {
                double v = rows[r * width + c];
                ss += v * v;
            }
            total += Math.sqrt(ss);
        }
        return n == 0 ? 0 : total / n;
    }

    /** Every linear layer of the module: recorded and realised active counts, realised sparsity, weight norm. */
    public static List<LayerStats> layers(Module module) {
        List<LayerStats> stats = new ArrayList<>();
        for (Network n : module.networks()) {
            for (Linear l : n.linears()) {
                stats.add(layer(n.name() + "/" + l.name(), l));
            }
        }
        return stats;
    }

    static LayerStats layer(String name, Linear l) {
        SparseWeight w = l.weight().weight();
        Backend b = w.values().backend();
        try (TensorArena arena = b.newArena()) {
            Tensor sumSq = arena.f32(1, 1);
            b.reduce().all(ReduceOps.Kind.SUM_SQUARES, w.values(), sumSq);
            long realised = switch (w.layout()) {
                case DENSE -> (long) w.rows() * w.cols();
                case COMPACT -> w.rowPtr().toInts()[w.rows()];
                case MASKED -> {
                    Tensor count = arena.i32(1, 1);
                    b.topology().countActive(w.mask(), count);
                    yield (long) count.scalar();
                }
            };
            return new LayerStats(name, w.layout().name(), w.rows(), w.cols(), w.nnz(), realised,
                    Math.sqrt(sumSq.scalar()));
        }
    }

    /** ℓ₂ norm over every parameter of the module (inactive entries are zero, so masks change nothing). */
    public static double weightNorm(Module module) {
        return norm(module, false);
    }

    /**
     * ℓ₂ norm of the gradients written since the module's last optimizer step (masked weights have zero gradient at
     * inactive entries); 0 when none was written. Read it before {@code step()} clears them.
     */
    public static double gradientNorm(Module module) {
        return norm(module, true);
    }

    private static double norm(Module module, boolean gradients) {
        List<Tensor> tensors = new ArrayList<>();
        for (Parameter p : module.parameters()) {
            if (!gradients || p.hasGrad()) {
                tensors.add(gradients ? p.grad() : p.value());
            }
        }
        if (tensors.isEmpty()) {
            return 0;
        }
        Backend b = module.context().backend();
        try (TensorArena arena = b.newArena()) {
            Tensor out = arena.f32(1, 1);
            b.optim().sumOfSquares(tensors.toArray(new Tensor[0]), out);
            return Math.sqrt(out.scalar());
        }
    }
}
