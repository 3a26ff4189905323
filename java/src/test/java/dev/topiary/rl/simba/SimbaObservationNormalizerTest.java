package dev.topiary.rl.simba;

import dev.topiary.backend.Philox;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import dev.topiary.backend.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The running statistics match a float64 two-pass mean and population variance on data far from zero mean and unit
 * scale (where a naive Σx² formula loses digits), the device normalisation matches (x − μ)/sqrt(σ² + ε), and a
 * saved and restored state normalises bit-identically.
 */
class SimbaObservationNormalizerTest {
    private static final int N = 5_000;
    private static final int D = 6;

    private static double[][] data() {
        double[][] x = new double[N][D];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < D; j++) {
                double scale = Math.pow(10, j - 2);
                x[i][j] = 1e4 * (j - 3) + scale * Philox.normal(99, j, i);
            }
        }
        return x;
    }

    @Test
    void runningStatisticsMatchATwoPassFloat64Computation() {
        double[][] x = data();
        try (CpuBackend b = new CpuBackend(2); TensorArena arena = b.newArena()) {
            ObservationNormalizer norm = new ObservationNormalizer(b, arena, D);
            assertEquals(1.0, norm.variance(0), "the variance before two observations is taken as 1");
            for (double[] row : x) {
                norm.update(row);
            }
            for (int j = 0; j < D; j++) {
                double mean = 0;
                for (double[] row : x) {
                    mean += row[j];
                }
                mean /= N;
                double var = 0;
                for (double[] row : x) {
                    var += (row[j] - mean) * (row[j] - mean);
                }
                var /= N;
                assertEquals(mean, norm.mean(j), 1e-12 * Math.max(1, Math.abs(mean)), "mean of feature " + j);
                assertEquals(var, norm.variance(j), 1e-9 * var, "variance of feature " + j);
            }
            assertEquals(N, norm.count());
        }
    }

    @Test
    void deviceNormalisationMatchesTheFormulaAndSurvivesASaveAndRestore() {
        double[][] x = data();
        int rows = 7;
        try (CpuBackend b = new CpuBackend(2); TensorArena arena = b.newArena()) {
            ObservationNormalizer norm = new ObservationNormalizer(b, arena, D);
            for (int i = 0; i < N / 2; i++) {
                norm.update(x[i]);
            }
            double[] flat = new double[rows * D];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(x[N - 1 - r], 0, flat, r * D, D);
            }
            Tensor in = arena.f32(rows, D);
            in.copyFrom(flat);
            Tensor out = arena.f32(rows, D);
            norm.apply(in, out);
            double[] got = out.toDoubles();
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < D; j++) {
                    double want = ((float) flat[r * D + j] - norm.mean(j))
                            / Math.sqrt(norm.variance(j) + ObservationNormalizer.EPS);
                    // float32 arithmetic on inputs near 1e4: an absolute error of a few float ulps of 1e4 / σ.
                    double tol = 4 * Math.ulp(3e4f) / Math.sqrt(norm.variance(j)) + 1e-5 * Math.abs(want);
                    assertEquals(want, got[r * D + j], tol, "row " + r + ", feature " + j);
                }
            }
            ObservationNormalizer copy = new ObservationNormalizer(b, arena, D);
            copy.restore(norm.state());
            Tensor out2 = arena.f32(rows, D);
            copy.apply(in, out2);
            assertArrayEquals(out.toFloats(), out2.toFloats(), "a restored state normalises identically");
            assertThrows(IllegalArgumentException.class, () -> copy.restore(new double[3]));
        }
    }
}
