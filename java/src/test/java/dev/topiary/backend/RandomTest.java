package dev.topiary.backend;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random tensors: bit-identical to the reference on every backend and thread count, and statistically sound. The
 * statistical tests use fixed seeds (reproducible) and thresholds with a false-failure probability near 1e-6, so a
 * biased or correlated generator fails them.
 */
@Tag("emu")
class RandomTest {
    private static final int[][] SHAPES = {{1, 1}, {1, 7}, {31, 1}, {257, 3}, {1000, 71}};

    @Test
    void everyBackendDrawsTheReferenceNumbersExactly() {
        long seed = Parity.freshSeed();
        for (int[] s : SHAPES) {
            double[][] expected = draw(Parity.reference(), s, seed);
            for (Backend b : Parity.candidates()) {
                double[][] got = draw(b, s, seed);
                for (int d = 0; d < expected.length; d++) {
                    Parity.assertExact(b.description() + " draw " + d + " " + s[0] + "×" + s[1] + " seed " + seed,
                            expected[d], got[d]);
                }
            }
        }
    }

    private static double[][] draw(Backend b, int[] shape, long seed) {
        try (TensorArena a = b.newArena()) {
            Tensor u = a.f32(shape[0], shape[1]);
            Tensor z = a.f32(shape[0], shape[1]);
            Tensor k = a.i32(shape[0], shape[1]);
            Tensor big = a.i32(shape[0], shape[1]);
            b.random().uniform(u, -0.3f, 2.5f, seed, 1);
            b.random().normal(z, 0.25f, 3f, seed, 2);
            b.random().ints(k, 10, seed, 3);
            b.random().ints(big, Integer.MAX_VALUE, seed, 4);
            return new double[][]{u.toDoubles(), z.toDoubles(), k.toDoubles(), big.toDoubles()};
        }
    }

    @Test
    void uniformHasTheRightMomentsAndBuckets() {
        int n = 1 << 20;
        double[] x = sample(Parity.candidates().get(0), DType.F32, n, (b, t) -> b.random().uniform(t, 0f, 1f, 1234, 5));
        double mean = mean(x);
        assertEquals(0.5, mean, 5 * Math.sqrt(1.0 / 12 / n), "mean");
        assertEquals(1.0 / 12, variance(x, mean), 5 * Math.sqrt(1.0 / 180 / n), "variance");
        int buckets = 100;
        long[] counts = new long[buckets];
        for (double v : x) {
            assertTrue(v >= 0 && v < 1, "outside [0, 1): " + v);
            counts[(int) (v * buckets)]++;
        }
        assertChiSquare(counts, n / (double) buckets, 181.0);
    }

    @Test
    void normalHasTheRightMomentsAndShape() {
        int n = 1 << 20;
        double[] x = sample(Parity.candidates().get(0), DType.F32, n, (b, t) -> b.random().normal(t, 0f, 1f, 99, 6));
        double mean = mean(x);
        assertEquals(0, mean, 5 / Math.sqrt(n), "mean");
        assertEquals(1, variance(x, mean), 5 * Math.sqrt(2.0 / n), "variance");
        long within = 0;
        for (double v : x) {
            within += Math.abs(v) < 1 ? 1 : 0;
        }
        double p = 0.682689492137;
        assertEquals(p, within / (double) n, 5 * Math.sqrt(p * (1 - p) / n), "mass within one sigma");
    }

    @Test
    void intsAreUniformOverTheirRange() {
        int n = 1 << 20;
        int bound = 37;
        double[] x = sample(Parity.candidates().get(0), DType.I32, n, (b, t) -> b.random().ints(t, bound, 4321, 7));
        long[] counts = new long[bound];
        for (double v : x) {
            counts[(int) v]++;
        }
        // 36 degrees of freedom: P(χ² > 92) ≈ 1e-6.
        assertChiSquare(counts, n / (double) bound, 92.0);
    }

    @Test
    void differentStreamsAreDifferentNumbers() {
        Backend b = Parity.candidates().get(0);
        double[] first = sample(b, DType.F32, 100, (bk, t) -> bk.random().uniform(t, 0f, 1f, 1, 1));
        double[] second = sample(b, DType.F32, 100, (bk, t) -> bk.random().uniform(t, 0f, 1f, 1, 2));
        int same = 0;
        for (int i = 0; i < first.length; i++) {
            same += first[i] == second[i] ? 1 : 0;
        }
        assertTrue(same < 3, same + " equal values in two streams");
    }

    @Test
    void invalidArgumentsNameTheOp() {
        for (Backend b : backends()) {
            try (TensorArena a = b.newArena()) {
                Tensor f = a.f32(2, 2);
                assertMessage("uniform", () -> b.random().uniform(f, 1f, 0f, 1, 1));
                assertMessage("uniform", () -> b.random().uniform(a.i32(1, 1), 0f, 1f, 1, 1));
                assertMessage("normal", () -> b.random().normal(f, 0f, -1f, 1, 1));
                assertMessage("ints", () -> b.random().ints(a.i32(1, 1), 0, 1, 1));
                assertMessage("ints", () -> b.random().ints(f, 3, 1, 1));
            }
        }
    }

    private interface Draw {
        void into(Backend b, Tensor t);
    }

    private static double[] sample(Backend b, DType dtype, int n, Draw draw) {
        try (TensorArena a = b.newArena()) {
            Tensor t = a.allocate(dtype, 1, n);
            draw.into(b, t);
            return t.toDoubles();
        }
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    private static double variance(double[] x, double mean) {
        double s = 0;
        for (double v : x) {
            s += (v - mean) * (v - mean);
        }
        return s / (x.length - 1);
    }

    private static void assertChiSquare(long[] counts, double expected, double threshold) {
        double chi2 = 0;
        for (long c : counts) {
            chi2 += (c - expected) * (c - expected) / expected;
        }
        assertTrue(chi2 < threshold, "chi-square " + chi2 + " over " + counts.length + " buckets exceeds "
                + threshold);
    }

    private static void assertMessage(String op, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().startsWith(op), e.getMessage());
    }

    private static List<Backend> backends() {
        List<Backend> all = new ArrayList<>();
        all.add(Parity.reference());
        all.addAll(Parity.candidates());
        return all;
    }
}
