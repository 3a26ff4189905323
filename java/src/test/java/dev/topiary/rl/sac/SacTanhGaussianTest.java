package dev.topiary.rl.sac;

import dev.topiary.backend.Philox;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import dev.topiary.backend.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The squashed Gaussian head against float64: log π(a|s) from the textbook formula
 * {@code Σ log N(u; μ, σ) − log(1 − tanh² u)} on random inputs (including saturated means, where the naive formula
 * is only evaluated where it is still accurate), and the reparameterised gradient of
 * {@code Σ c ⊙ a + w Σ log π} against central differences of a float64 evaluation.
 */
class SacTanhGaussianTest {
    private static final int B = 16;
    private static final int A = 3;
    private static final double LO = -5;
    private static final double HI = 2;

    /** Random pre-activations: means on ±3 (so some u saturate tanh), raw log-stds on ±2. */
    private static double[] pre(long seed) {
        double[] p = new double[B * 2 * A];
        for (int r = 0; r < B; r++) {
            for (int i = 0; i < A; i++) {
                p[r * 2 * A + i] = 3 * Philox.normal(seed, 1, r * A + i);
                p[r * 2 * A + A + i] = 2 * (2 * Philox.uniform(seed, 2, r * A + i) - 1);
            }
        }
        return p;
    }

    /** log π of row r in float64, with log(1 − tanh² u) as log1p(−tanh² u) (accurate while |u| ≲ 8). */
    private static double logProb(double[] pre, double[] eps, int r) {
        double sum = 0;
        for (int i = 0; i < A; i++) {
            double mu = pre[r * 2 * A + i];
            double logStd = LO + 0.5 * (HI - LO) * (Math.tanh(pre[r * 2 * A + A + i]) + 1);
            double e = eps[r * A + i];
            double u = mu + Math.exp(logStd) * e;
            double t = Math.tanh(u);
            sum += -0.5 * e * e - 0.5 * Math.log(2 * Math.PI) - logStd - Math.log1p(-t * t);
        }
        return sum;
    }

    private static double loss(double[] pre, double[] eps, double[] c, double w) {
        double l = 0;
        for (int r = 0; r < B; r++) {
            for (int i = 0; i < A; i++) {
                double mu = pre[r * 2 * A + i];
                double logStd = LO + 0.5 * (HI - LO) * (Math.tanh(pre[r * 2 * A + A + i]) + 1);
                l += c[r * A + i] * Math.tanh(mu + Math.exp(logStd) * eps[r * A + i]);
            }
            l += w * logProb(pre, eps, r);
        }
        return l;
    }

    @Test
    void logProbMatchesTheFloat64Formula() {
        try (CpuBackend b = new CpuBackend(2); TensorArena arena = b.newArena()) {
            TanhGaussian head = new TanhGaussian(b, arena, B, A, LO, HI);
            int checked = 0;
            for (long seed = 1; seed <= 4; seed++) {
                double[] p = pre(seed);
                Tensor pre = arena.f32(B, 2 * A);
                pre.copyFrom(p);
                head.sample(pre, seed, 77);
                double[] pf = pre.toDoubles();
                double[] eps = head.eps().toDoubles();
                double[] logp = head.logProb().toDoubles();
                double[] a = head.action().toDoubles();
                for (int r = 0; r < B; r++) {
                    assertTrue(Double.isFinite(logp[r]), "log π of row " + r + " must be finite, got " + logp[r]);
                    for (int i = 0; i < A; i++) {
                        assertTrue(Math.abs(a[r * A + i]) <= 1, "actions lie in [−1, 1]");
                    }
                    boolean moderate = true;
                    for (int i = 0; i < A; i++) {
                        double logStd = LO + 0.5 * (HI - LO) * (Math.tanh(pf[r * 2 * A + A + i]) + 1);
                        moderate &= Math.abs(pf[r * 2 * A + i] + Math.exp(logStd) * eps[r * A + i]) < 4;
                    }
                    if (moderate) {
                        double want = logProb(pf, eps, r);
                        assertEquals(want, logp[r], 2e-5 * Math.max(1, Math.abs(want)), "seed " + seed + " row " + r);
                        checked++;
                    }
                }
            }
            assertTrue(checked > 20, "too few rows in the accurate range: " + checked);
        }
    }

    @Test
    void backwardMatchesCentralDifferences() {
        try (CpuBackend b = new CpuBackend(2); TensorArena arena = b.newArena()) {
            TanhGaussian head = new TanhGaussian(b, arena, B, A, LO, HI);
            double[] p = pre(9);
            for (int k = 0; k < p.length; k++) {
                p[k] *= 0.5;
            }
            double[] c = new double[B * A];
            for (int k = 0; k < c.length; k++) {
                c[k] = Philox.normal(9, 3, k);
            }
            double w = 0.37;
            Tensor pre = arena.f32(B, 2 * A);
            pre.copyFrom(p);
            head.sample(pre, 9, 5);
            double[] eps = head.eps().toDoubles();
            double[] pf = pre.toDoubles();
            Tensor dA = arena.f32(B, A);
            dA.copyFrom(c);
            Tensor wt = arena.f32(1, 1);
            wt.copyFrom(new double[]{w});
            double[] grad = head.backward(dA, wt).toDoubles();
            double h = 1e-5;
            for (int k = 0; k < pf.length; k++) {
                double[] plus = pf.clone();
                double[] minus = pf.clone();
                plus[k] += h;
                minus[k] -= h;
                double numeric = (loss(plus, eps, c, w) - loss(minus, eps, c, w)) / (2 * h);
                assertEquals(numeric, grad[k], 1e-4 + 1e-3 * Math.abs(numeric), "∂L/∂pre[" + k + "]");
            }
        }
    }
}
