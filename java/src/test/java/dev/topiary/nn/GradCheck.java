package dev.topiary.nn;

import dev.topiary.backend.Backend;
import dev.topiary.backend.ElementOps;
import dev.topiary.backend.ReduceOps;
import dev.topiary.backend.SparseWeight.Layout;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finite-difference checks of a layer's backward pass on the reference backend, which computes in float64: the
 * scalar {@code L = Σ y ⊙ R} (R fixed and random) is differentiated by central differences with step h = 2⁻²⁰
 * (exact in float for values of magnitude below 8) and compared with the analytic input and parameter gradients.
 */
final class GradCheck {
    static final double H = 0x1p-20;
    static final double TOL = 2e-6;

    private final Backend backend;
    private final Pass pass;
    private final Tensor x;
    private final Tensor r;
    private final Tensor product;
    private final Tensor sum;

    private GradCheck(Backend backend, TensorArena arena, Layer layer, int batch, SplittableRandom random) {
        this.backend = backend;
        this.pass = layer.newPass(batch);
        this.x = arena.f32(batch, layer.inFeatures(), uniform(random, batch * layer.inFeatures()));
        this.r = arena.f32(batch, layer.outFeatures(), uniform(random, batch * layer.outFeatures()));
        this.product = arena.f32(batch, layer.outFeatures());
        this.sum = arena.f32(1, 1);
    }

    static float[] uniform(SplittableRandom random, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (2 * random.nextDouble() - 1);
        }
        return a;
    }

    /** Checks input and parameter gradients of {@code layer} at a random input of {@code batch} rows. */
    static void check(Backend backend, TensorArena arena, Layer layer, int batch, long seed) {
        GradCheck g = new GradCheck(backend, arena, layer, batch, new SplittableRandom(seed));
        String context = layer.name() + " (seed " + seed + ")";
        for (Parameter p : layer.parameters()) {
            p.clearGrad();
        }
        g.loss();
        double[] dx = g.pass.backward(g.r).toDoubles();
        g.compare(context + ", input", g.x, dx, null);
        for (Parameter p : layer.parameters()) {
            g.compare(context + ", " + p.name(), p.value(), p.grad().toDoubles(), p);
        }
    }

    private double loss() {
        Tensor y = pass.forward(x);
        backend.elements().binary(ElementOps.Binary.MUL, y, r, product);
        backend.reduce().all(ReduceOps.Kind.SUM, product, sum);
        return sum.scalar();
    }

    /** Central differences over every active entry of {@code t}; an inactive entry's gradient must be exactly 0. */
    private void compare(String what, Tensor t, double[] analytic, Parameter p) {
        double[] base = t.toDoubles();
        int stored = p instanceof WeightParameter w && w.layout() == Layout.COMPACT ? w.nnz() : base.length;
        double[] mask = p != null && p.mask() != null ? p.mask().toDoubles() : null;
        double[] numeric = new double[base.length];
        for (int i = 0; i < base.length; i++) {
            if (i >= stored || (mask != null && mask[i] == 0)) {
                assertEquals(0.0, analytic[i], what + ": inactive entry " + i + " has a gradient");
                continue;
            }
            double[] probe = base.clone();
            probe[i] = base[i] + H;
            t.copyFrom(probe);
            double plus = loss();
            probe[i] = base[i] - H;
            t.copyFrom(probe);
            double minus = loss();
            numeric[i] = (plus - minus) / (2 * H);
        }
        t.copyFrom(base);
        assertClose(what, numeric, analytic);
    }

    private static void assertClose(String what, double[] numeric, double[] analytic) {
        double ss = 0;
        for (double v : numeric) {
            ss += v * v;
        }
        double rms = Math.sqrt(ss / Math.max(1, numeric.length));
        for (int i = 0; i < numeric.length; i++) {
            double err = Math.abs(numeric[i] - analytic[i]) / (Math.abs(numeric[i]) + rms + 1e-300);
            if (err > TOL) {
                fail(what + ": entry " + i + " analytic " + analytic[i] + " vs finite difference " + numeric[i]
                        + " (relative error " + err + ")");
            }
        }
    }
}
