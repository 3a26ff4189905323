package dev.topiary.backend.ref;

import dev.topiary.backend.Backend;
import dev.topiary.backend.NnOps.Activation;
import dev.topiary.backend.Parity;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;

/**
 * Every backward op against central finite differences of its forward op, computed on the reference backend in
 * float64 (inputs are perturbed in the reference's double storage, step 10⁻⁶ relative). The reference's analytic
 * gradient must match to about 10⁻⁷; each candidate's gradient (from its own forward pass) to float roundoff.
 */
class FiniteDifferenceTest {
    private static final Backend REF = Parity.reference();
    private static final double REF_TOL = 1e-7;
    private static final int[][] SHAPES = {{1, 1}, {3, 5}, {4, 7}};

    static Stream<Arguments> shapes() {
        return Stream.of(SHAPES).map(s -> Arguments.of(s[0], s[1]));
    }

    /** ∂f/∂t by central differences, perturbing each element of the reference tensor t in place. */
    static double[] numericGradient(Tensor t, DoubleSupplier f) {
        double[] d = RefTensor.d(t);
        double[] g = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            double x0 = d[i];
            double h = 1e-6 * Math.max(1, Math.abs(x0));
            d[i] = x0 + h;
            double up = f.getAsDouble();
            d[i] = x0 - h;
            double down = f.getAsDouble();
            d[i] = x0;
            g[i] = (up - down) / ((x0 + h) - (x0 - h));
        }
        return g;
    }

    /** Σ out ⊙ weights: a scalar whose gradient through a forward op is that op's backward applied to weights. */
    static double weighted(Tensor out, float[] weights) {
        double[] o = RefTensor.d(out);
        double s = 0;
        for (int i = 0; i < o.length; i++) {
            s += o[i] * weights[i];
        }
        return s;
    }

    /** Checks the reference's gradient, then each candidate's (from {@code candidate}), against the numeric one. */
    static void check(String what, double[] numeric, Tensor refGradient, CandidateGradient candidate, double candTol) {
        Parity.assertClose(what + " on the reference", numeric, RefTensor.d(refGradient), REF_TOL);
        for (Backend b : Parity.candidates()) {
            try (TensorArena a = b.newArena()) {
                Parity.assertClose(what + " on " + b.description(), numeric, candidate.gradient(b, a), candTol);
            }
        }
    }

    interface CandidateGradient {
        float[] gradient(Backend b, TensorArena a);
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void activationBackward(Activation f) {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        int rows = 4;
        int cols = 7;
        float[] x = Parity.uniform(r, rows * cols, -4, 4);
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.abs(x[i]) < 1e-2f ? 0.5f : x[i];
        }
        float[] dy = Parity.normal(r, rows * cols, 1);
        try (TensorArena a = REF.newArena()) {
            Tensor xt = a.f32(rows, cols, x);
            Tensor y = a.f32(rows, cols);
            double[] numeric = numericGradient(xt, () -> {
                REF.nn().activation(f, xt, y);
                return weighted(y, dy);
            });
            REF.nn().activation(f, xt, y);
            Tensor dx = a.f32(rows, cols);
            REF.nn().activationBackward(f, xt, y, a.f32(rows, cols, dy), dx);
            check(f + " seed " + seed, numeric, dx, (b, ca) -> {
                Tensor cx = ca.f32(rows, cols, x);
                Tensor cy = ca.f32(rows, cols);
                b.nn().activation(f, cx, cy);
                Tensor cdx = ca.f32(rows, cols);
                b.nn().activationBackward(f, cx, cy, ca.f32(rows, cols, dy), cdx);
                return cdx.toFloats();
            }, Parity.tolerance(1));
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void layerNormBackward(int rows, int cols) {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = Parity.normal(r, rows * cols, 2);
        float[] dy = Parity.normal(r, rows * cols, 1);
        float[] gamma = Parity.uniform(r, cols, 0.5, 1.5);
        float[] beta = Parity.normal(r, cols, 1);
        for (boolean affine : new boolean[] {false, true}) {
            try (TensorArena a = REF.newArena()) {
                Tensor xt = a.f32(rows, cols, x);
                Tensor g = affine ? a.f32(1, cols, gamma) : null;
                Tensor be = affine ? a.f32(1, cols, beta) : null;
                Tensor y = a.f32(rows, cols);
                Tensor mean = a.f32(rows, 1);
                Tensor rstd = a.f32(rows, 1);
                DoubleSupplier loss = () -> {
                    REF.nn().layerNorm(xt, g, be, 1e-3f, y, mean, rstd);
                    return weighted(y, dy);
                };
                double[] numX = numericGradient(xt, loss);
                double[] numG = affine ? numericGradient(g, loss) : null;
                double[] numB = affine ? numericGradient(be, loss) : null;
                loss.getAsDouble();
                Tensor dx = a.f32(rows, cols);
                Tensor dg = affine ? a.f32(1, cols) : null;
                Tensor db = affine ? a.f32(1, cols) : null;
                REF.nn().layerNormBackward(a.f32(rows, cols, dy), xt, g, mean, rstd, dx, dg, db);
                String what = "layerNorm " + rows + "×" + cols + " affine=" + affine + " seed " + seed;
                double tol = Parity.tolerance(cols) * 4;
                check(what + " dx", numX, dx, (b, ca) -> layerNormGradients(b, ca, x, dy, gamma, beta, affine, rows,
                        cols)[0], tol);
                if (affine) {
                    check(what + " dgamma", numG, dg, (b, ca) -> layerNormGradients(b, ca, x, dy, gamma, beta, true,
                            rows, cols)[1], tol);
                    check(what + " dbeta", numB, db, (b, ca) -> layerNormGradients(b, ca, x, dy, gamma, beta, true,
                            rows, cols)[2], tol);
                }
            }
        }
    }

    /** {dx, dgamma, dbeta} of a candidate's own forward and backward pass. */
    private static float[][] layerNormGradients(Backend b, TensorArena a, float[] x, float[] dy, float[] gamma,
                                                float[] beta, boolean affine, int rows, int cols) {
        Tensor xt = a.f32(rows, cols, x);
        Tensor g = affine ? a.f32(1, cols, gamma) : null;
        Tensor be = affine ? a.f32(1, cols, beta) : null;
        Tensor mean = a.f32(rows, 1);
        Tensor rstd = a.f32(rows, 1);
        b.nn().layerNorm(xt, g, be, 1e-3f, a.f32(rows, cols), mean, rstd);
        Tensor dx = a.f32(rows, cols);
        Tensor dg = affine ? a.f32(1, cols) : null;
        Tensor db = affine ? a.f32(1, cols) : null;
        b.nn().layerNormBackward(a.f32(rows, cols, dy), xt, g, mean, rstd, dx, dg, db);
        return new float[][] {dx.toFloats(), affine ? dg.toFloats() : null, affine ? db.toFloats() : null};
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void softmaxAndLogSoftmaxBackward(int rows, int cols) {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = Parity.normal(r, rows * cols, 2);
        float[] dy = Parity.normal(r, rows * cols, 1);
        for (boolean log : new boolean[] {false, true}) {
            try (TensorArena a = REF.newArena()) {
                Tensor xt = a.f32(rows, cols, x);
                Tensor y = a.f32(rows, cols);
                double[] numeric = numericGradient(xt, () -> {
                    softmax(REF, log, xt, y);
                    return weighted(y, dy);
                });
                softmax(REF, log, xt, y);
                Tensor dx = a.f32(rows, cols);
                softmaxBackward(REF, log, y, a.f32(rows, cols, dy), dx);
                String what = (log ? "logSoftmax " : "softmax ") + rows + "×" + cols + " seed " + seed;
                check(what, numeric, dx, (b, ca) -> {
                    Tensor cy = ca.f32(rows, cols);
                    softmax(b, log, ca.f32(rows, cols, x), cy);
                    Tensor cdx = ca.f32(rows, cols);
                    softmaxBackward(b, log, cy, ca.f32(rows, cols, dy), cdx);
                    return cdx.toFloats();
                }, Parity.tolerance(cols) * 2);
            }
        }
    }

    private static void softmax(Backend b, boolean log, Tensor x, Tensor y) {
        if (log) {
            b.nn().logSoftmax(x, y);
        } else {
            b.nn().softmax(x, y);
        }
    }

    private static void softmaxBackward(Backend b, boolean log, Tensor y, Tensor dy, Tensor dx) {
        if (log) {
            b.nn().logSoftmaxBackward(y, dy, dx);
        } else {
            b.nn().softmaxBackward(y, dy, dx);
        }
    }

    /** The documented Gumbel-softmax gradient: softmaxBackward of its output, divided by tau. */
    @ParameterizedTest
    @MethodSource("shapes")
    void gumbelSoftmaxGradientIsScaledSoftmaxBackward(int rows, int cols) {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = Parity.normal(r, rows * cols, 1);
        float[] dy = Parity.normal(r, rows * cols, 1);
        float tau = 0.6f;
        try (TensorArena a = REF.newArena()) {
            Tensor xt = a.f32(rows, cols, x);
            Tensor y = a.f32(rows, cols);
            double[] numeric = numericGradient(xt, () -> {
                REF.nn().gumbelSoftmax(xt, tau, seed, 5, y);
                return weighted(y, dy);
            });
            REF.nn().gumbelSoftmax(xt, tau, seed, 5, y);
            Tensor dx = a.f32(rows, cols);
            REF.nn().softmaxBackward(y, a.f32(rows, cols, dy), dx);
            double[] scaled = RefTensor.d(dx);
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] /= tau;
            }
            check("gumbelSoftmax seed " + seed, numeric, dx, (b, ca) -> {
                Tensor cy = ca.f32(rows, cols);
                b.nn().gumbelSoftmax(ca.f32(rows, cols, x), tau, seed, 5, cy);
                Tensor cdx = ca.f32(rows, cols);
                b.nn().softmaxBackward(cy, ca.f32(rows, cols, dy), cdx);
                b.elements().affine(cdx, 1f / tau, 0f, cdx);
                return cdx.toFloats();
            }, Parity.tolerance(cols) * 4);
        }
    }

    enum Loss { HUBER, MSE, CROSS_ENTROPY }

    static Stream<Arguments> lossCases() {
        return Stream.of(Loss.values()).flatMap(l -> shapes().map(s -> Arguments.of(l, s.get()[0], s.get()[1])));
    }

    private static void loss(Backend b, Loss kind, Tensor pred, Tensor target, Tensor w, Tensor out, Tensor grad) {
        switch (kind) {
            case HUBER -> b.losses().huber(pred, target, 0.8f, w, out, grad);
            case MSE -> b.losses().mse(pred, target, w, out, grad);
            case CROSS_ENTROPY -> b.losses().crossEntropy(pred, target, w, out, grad);
        }
    }

    @ParameterizedTest
    @MethodSource("lossCases")
    void lossGradients(Loss kind, int rows, int cols) {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        float[] pred = Parity.normal(r, rows * cols, 1.5);
        float[] target = kind == Loss.CROSS_ENTROPY ? Parity.uniform(r, rows * cols, 0, 1)
                : Parity.normal(r, rows * cols, 1.5);
        for (int i = 0; i < pred.length; i++) {
            // Keep |pred − target| away from the Huber threshold, where the second derivative jumps.
            if (Math.abs(Math.abs(pred[i] - target[i]) - 0.8f) < 1e-2f) {
                pred[i] += 0.1f;
            }
        }
        float[] weights = Parity.uniform(r, rows, 0, 2);
        for (boolean weighted : new boolean[] {false, true}) {
            try (TensorArena a = REF.newArena()) {
                Tensor p = a.f32(rows, cols, pred);
                Tensor t = a.f32(rows, cols, target);
                Tensor w = weighted ? a.f32(rows, 1, weights) : null;
                Tensor out = a.f32(1, 1);
                double[] numeric = numericGradient(p, () -> {
                    loss(REF, kind, p, t, w, out, null);
                    return RefTensor.d(out)[0];
                });
                Tensor grad = a.f32(rows, cols);
                loss(REF, kind, p, t, w, out, grad);
                check(kind + " " + rows + "×" + cols + " weighted=" + weighted + " seed " + seed, numeric, grad,
                        (b, ca) -> {
                            Tensor cg = ca.f32(rows, cols);
                            loss(b, kind, ca.f32(rows, cols, pred), ca.f32(rows, cols, target),
                                    weighted ? ca.f32(rows, 1, weights) : null, ca.f32(1, 1), cg);
                            return cg.toFloats();
                        }, Parity.tolerance(cols) * 2);
            }
        }
    }
}
