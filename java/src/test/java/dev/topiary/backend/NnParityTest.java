package dev.topiary.backend;

import dev.topiary.backend.NnOps.Activation;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static dev.topiary.backend.OpTestSupport.forEachCandidate;
import static dev.topiary.backend.OpTestSupport.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** NnOps on every candidate backend against the float64 reference. */
@Tag("emu")
class NnParityTest {
    private static final double TOL = Parity.tolerance(1);

    static Stream<Arguments> shapes() {
        return OpTestSupport.shapes();
    }

    /** The reference's forward output rounded to float: the y both backends' backward ops read. */
    private static float[] referenceOutput(int rows, int cols, float[] x,
                                           java.util.function.BiConsumer<Tensor, Tensor> op) {
        try (TensorArena a = Parity.reference().newArena()) {
            Tensor y = a.f32(rows, cols);
            op.accept(a.f32(rows, cols, x), y);
            return y.toFloats();
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void activationForwardAndBackwardAlsoInPlace(Activation f) {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        for (int[] s : OpTestSupport.SHAPES) {
            int rows = s[0];
            int cols = s[1];
            float[] x = OpTestSupport.awayFromZero(r, rows * cols, -12, 12, 1e-3);
            float[] dy = Parity.normal(r, rows * cols, 1);
            float[] y = referenceOutput(rows, cols, x, (xt, yt) -> Parity.reference().nn().activation(f, xt, yt));
            forEachCandidate(rows, cols, f + " " + rows + "×" + cols + " seed " + seed, p -> {
                Tensor[] xt = p.f32(rows, cols, x);
                Tensor[] out = p.zeros(rows, cols);
                p.ref.nn().activation(f, xt[0], out[0]);
                p.cand.nn().activation(f, xt[1], out[1]);
                p.close("forward", out, TOL);
                Tensor[] yt = p.f32(rows, cols, y);
                Tensor[] dyt = p.f32(rows, cols, dy);
                Tensor[] dx = p.zeros(rows, cols);
                p.ref.nn().activationBackward(f, xt[0], yt[0], dyt[0], dx[0]);
                p.cand.nn().activationBackward(f, xt[1], yt[1], dyt[1], dx[1]);
                p.close("backward", dx, TOL);
                p.ref.nn().activationBackward(f, xt[0], yt[0], dyt[0], dyt[0]);
                p.cand.nn().activationBackward(f, xt[1], yt[1], dyt[1], dyt[1]);
                p.close("backward into dy", dyt, TOL);
                p.ref.nn().activation(f, xt[0], xt[0]);
                p.cand.nn().activation(f, xt[1], xt[1]);
                p.close("forward in place", xt, TOL);
            });
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void layerNormWithAndWithoutAffine(int rows, int cols) {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = Parity.normal(r, rows * cols, 3);
        for (int i = 0; i < x.length; i++) {
            x[i] += 20f * (i / cols % 3);
        }
        float[] gamma = Parity.uniform(r, cols, 0.5, 1.5);
        float[] beta = Parity.normal(r, cols, 0.3);
        double tol = Parity.tolerance(cols);
        forEachCandidate(rows, cols, rows + "×" + cols + " seed " + seed, p -> {
            for (boolean affine : new boolean[] {false, true}) {
                Tensor[] xt = p.f32(rows, cols, x);
                Tensor[] g = affine ? p.f32(1, cols, gamma) : new Tensor[2];
                Tensor[] b = affine ? p.f32(1, cols, beta) : new Tensor[2];
                Tensor[] y = p.zeros(rows, cols);
                Tensor[] mean = p.zeros(rows, 1);
                Tensor[] rstd = p.zeros(rows, 1);
                p.ref.nn().layerNorm(xt[0], g[0], b[0], 1e-5f, y[0], mean[0], rstd[0]);
                p.cand.nn().layerNorm(xt[1], g[1], b[1], 1e-5f, y[1], mean[1], rstd[1]);
                p.close("y affine=" + affine, y, tol);
                p.close("mean", mean, tol);
                p.close("rstd", rstd, tol);
                p.ref.nn().layerNorm(xt[0], g[0], b[0], 1e-5f, xt[0], mean[0], rstd[0]);
                p.cand.nn().layerNorm(xt[1], g[1], b[1], 1e-5f, xt[1], mean[1], rstd[1]);
                p.close("in place affine=" + affine, xt, tol);
            }
        });
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void layerNormBackwardWithAndWithoutAffine(int rows, int cols) {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = Parity.normal(r, rows * cols, 2);
        float[] dy = Parity.normal(r, rows * cols, 1);
        float[] gamma = Parity.uniform(r, cols, 0.5, 1.5);
        float[] mean;
        float[] rstd;
        try (TensorArena a = Parity.reference().newArena()) {
            Tensor m = a.f32(rows, 1);
            Tensor rs = a.f32(rows, 1);
            Parity.reference().nn().layerNorm(a.f32(rows, cols, x), null, null, 1e-5f, a.f32(rows, cols), m, rs);
            mean = m.toFloats();
            rstd = rs.toFloats();
        }
        forEachCandidate(rows, cols, rows + "×" + cols + " seed " + seed, p -> {
            for (boolean affine : new boolean[] {false, true}) {
                for (boolean intoDy : new boolean[] {false, true}) {
                    Tensor[] xt = p.f32(rows, cols, x);
                    Tensor[] dyt = p.f32(rows, cols, dy);
                    Tensor[] g = affine ? p.f32(1, cols, gamma) : new Tensor[2];
                    Tensor[] dg = affine ? p.zeros(1, cols) : new Tensor[2];
                    Tensor[] db = affine ? p.zeros(1, cols) : new Tensor[2];
                    Tensor[] m = p.f32(rows, 1, mean);
                    Tensor[] rs = p.f32(rows, 1, rstd);
                    Tensor[] dx = intoDy ? dyt : p.zeros(rows, cols);
                    p.ref.nn().layerNormBackward(dyt[0], xt[0], g[0], m[0], rs[0], dx[0], dg[0], db[0]);
                    p.cand.nn().layerNormBackward(dyt[1], xt[1], g[1], m[1], rs[1], dx[1], dg[1], db[1]);
                    String what = " affine=" + affine + " dx=dy " + intoDy;
                    p.close("dx" + what, dx, Parity.tolerance(cols));
                    if (affine) {
                        p.close("dgamma" + what, dg, Parity.tolerance(rows));
                        p.close("dbeta" + what, db, Parity.tolerance(rows));
                    }
                }
            }
        });
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void softmaxAndLogSoftmaxWithTheirGradients(int rows, int cols) {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        double tol = Parity.tolerance(cols);
        for (double scale : new double[] {3, 1e4, 1e30}) {
            float[] x = Parity.uniform(r, rows * cols, -scale, scale);
            float[] dy = Parity.normal(r, rows * cols, 1);
            for (boolean log : new boolean[] {false, true}) {
                float[] y = referenceOutput(rows, cols, x, (xt, yt) -> softmax(Parity.reference(), log, xt, yt));
                String context = (log ? "logSoftmax" : "softmax") + " scale " + scale + " " + rows + "×" + cols
                        + " seed " + seed;
                forEachCandidate(rows, cols, context, p -> {
                    Tensor[] xt = p.f32(rows, cols, x);
                    Tensor[] out = p.zeros(rows, cols);
                    softmax(p.ref, log, xt[0], out[0]);
                    softmax(p.cand, log, xt[1], out[1]);
                    p.close("forward", out, tol);
                    softmax(p.ref, log, xt[0], xt[0]);
                    softmax(p.cand, log, xt[1], xt[1]);
                    p.close("forward in place", xt, tol);
                    Tensor[] yt = p.f32(rows, cols, y);
                    Tensor[] dyt = p.f32(rows, cols, dy);
                    Tensor[] dx = p.zeros(rows, cols);
                    softmaxBackward(p.ref, log, yt[0], dyt[0], dx[0]);
                    softmaxBackward(p.cand, log, yt[1], dyt[1], dx[1]);
                    p.close("backward", dx, tol);
                    softmaxBackward(p.ref, log, yt[0], dyt[0], dyt[0]);
                    softmaxBackward(p.cand, log, yt[1], dyt[1], dyt[1]);
                    p.close("backward into dy", dyt, tol);
                });
            }
        }
    }

    static void softmax(Backend b, boolean log, Tensor x, Tensor y) {
        if (log) {
            b.nn().logSoftmax(x, y);
        } else {
            b.nn().softmax(x, y);
        }
    }

    static void softmaxBackward(Backend b, boolean log, Tensor y, Tensor dy, Tensor dx) {
        if (log) {
            b.nn().logSoftmaxBackward(y, dy, dx);
        } else {
            b.nn().softmaxBackward(y, dy, dx);
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void gumbelSoftmax(int rows, int cols) {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        float[] logits = Parity.normal(r, rows * cols, 2);
        long philoxSeed = r.nextLong();
        forEachCandidate(rows, cols, rows + "×" + cols + " seed " + seed, p -> {
            for (float tau : new float[] {1f, 0.3f}) {
                Tensor[] x = p.f32(rows, cols, logits);
                Tensor[] y = p.zeros(rows, cols);
                p.ref.nn().gumbelSoftmax(x[0], tau, philoxSeed, 7, y[0]);
                p.cand.nn().gumbelSoftmax(x[1], tau, philoxSeed, 7, y[1]);
                p.close("tau " + tau, y, Parity.tolerance(cols));
                p.ref.nn().gumbelSoftmax(x[0], tau, philoxSeed, 7, x[0]);
                p.cand.nn().gumbelSoftmax(x[1], tau, philoxSeed, 7, x[1]);
                p.close("in place tau " + tau, x, Parity.tolerance(cols));
            }
        });
    }

    /** The reference follows the documented recipe: u open-uniform at each flat index, g = −ln(−ln u). */
    @Test
    void gumbelSoftmaxFollowsThePhiloxRecipe() {
        float[] logits = {0.5f, -1f, 2f, 0f, 1f, 1f};
        long seed = 1234;
        long stream = 3;
        float tau = 0.7f;
        double[] expected = new double[6];
        for (int row = 0; row < 2; row++) {
            double sum = 0;
            for (int j = 0; j < 3; j++) {
                int i = row * 3 + j;
                double u = Philox.toOpenUniform(Philox.word(seed, stream, i));
                expected[i] = Math.exp((logits[i] - Math.log(-Math.log(u))) / tau);
                sum += expected[i];
            }
            for (int j = 0; j < 3; j++) {
                expected[row * 3 + j] /= sum;
            }
        }
        Backend ref = Parity.reference();
        try (TensorArena a = ref.newArena()) {
            Tensor y = a.f32(2, 3);
            ref.nn().gumbelSoftmax(a.f32(2, 3, logits), tau, seed, stream, y);
            Parity.assertClose("gumbel recipe", expected, y.toDoubles(), 1e-12);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 7, 65, 255})
    void twoHotInsideAtAndBeyondTheBins(int nb) {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        float[] bins = new float[nb];
        for (int j = 0; j < nb; j++) {
            bins[j] = (float) Math.signum(j - (nb - 1) / 2.0) * (float) Math.expm1(Math.abs(j - (nb - 1) / 2.0) * 0.3);
        }
        int rows = 1000;
        float[] values = Parity.uniform(r, rows, bins[0] * 1.5 - 1, bins[nb - 1] * 1.5 + 1);
        for (int j = 0; j < nb; j++) {
            values[j] = bins[j];
        }
        values[nb] = Float.POSITIVE_INFINITY;
        values[nb + 1] = -1e30f;
        forEachCandidate("twoHot nb " + nb + " seed " + seed, p -> {
            Tensor[] v = p.f32(rows, 1, values);
            Tensor[] b = p.f32(1, nb, bins);
            Tensor[] out = p.zeros(rows, nb);
            p.ref.nn().twoHot(v[0], b[0], out[0]);
            p.cand.nn().twoHot(v[1], b[1], out[1]);
            p.close("weights", out, TOL);
            float[] o = out[1].toFloats();
            for (int i = 0; i < rows; i++) {
                double clamped = Math.min(Math.max(values[i], bins[0]), bins[nb - 1]);
                double recon = 0;
                double mass = 0;
                for (int j = 0; j < nb; j++) {
                    recon += o[i * nb + j] * (double) bins[j];
                    mass += o[i * nb + j];
                }
                assertEquals(1.0, mass, 1e-6, p.context + " row " + i);
                assertEquals(clamped, recon, 1e-6 * (1 + Math.abs(clamped)), p.context + " row " + i);
                if (i < nb) {
                    assertEquals(1f, o[i * nb + i], p.context + ": a value at bin " + i + " is exactly one-hot");
                }
            }
        });
    }

    @Test
    void validationNamesTheOp() {
        for (Backend b : java.util.List.of(Parity.reference(), Parity.candidates().get(0))) {
            try (TensorArena a = b.newArena()) {
                Tensor x = a.f32(3, 4);
                Tensor col = a.f32(3, 1);
                rejects("activation(ELU)", () -> b.nn().activation(Activation.ELU, x, a.f32(4, 3)));
                rejects("activationBackward(TANH)",
                        () -> b.nn().activationBackward(Activation.TANH, x, x, a.f32(3, 3), x));
                rejects("layerNorm", () -> b.nn().layerNorm(x, a.f32(1, 4), null, 1e-5f, x, col, col));
                rejects("layerNorm", () -> b.nn().layerNorm(x, null, null, 0f, a.f32(3, 4), col, a.f32(3, 1)));
                rejects("layerNormBackward",
                        () -> b.nn().layerNormBackward(x, x, null, col, col, a.f32(3, 4), a.f32(1, 4), null));
                rejects("layerNormBackward",
                        () -> b.nn().layerNormBackward(x, x, null, col, col, x, null, null));
                rejects("softmax", () -> b.nn().softmax(x, a.f32(3, 5)));
                rejects("logSoftmaxBackward", () -> b.nn().logSoftmaxBackward(x, x, a.f32(2, 4)));
                rejects("gumbelSoftmax", () -> b.nn().gumbelSoftmax(x, 0f, 1, 1, a.f32(3, 4)));
                rejects("twoHot", () -> b.nn().twoHot(col, a.f32(1, 1), a.f32(3, 1)));
                rejects("twoHot", () -> b.nn().twoHot(x, a.f32(1, 4), a.f32(3, 4)));
            }
        }
    }
}
