package dev.topiary.linalg;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Singular values against matrices built with known ones, and the stable rank on hand-computed cases. */
class SpectrumTest {

    @Test
    void diagonalMatrixGivesItsSortedAbsoluteDiagonal() {
        double[] a = {
            0, 0, 0, 0,
            0, -5, 0, 0,
            0, 0, 2, 0,
        };
        assertSpectrum(new double[]{5, 2, 0}, Spectrum.singularValues(a, 3, 4), "3×4");
        assertSpectrum(new double[]{5, 2, 0}, Spectrum.singularValues(transpose(a, 3, 4), 4, 3), "4×3");
    }

    @Test
    void orthogonalConstructionRecoversTheChosenSingularValues() {
        SplittableRandom r = new SplittableRandom(42);
        int[][] shapes = {{1, 1}, {2, 9}, {30, 17}, {64, 128}, {256, 512}};
        for (int[] shape : shapes) {
            int m = shape[0];
            int n = shape[1];
            int k = Math.min(m, n);
            double[] sigma = new double[k];
            for (int i = 0; i < k; i++) {
                sigma[i] = i >= k - k / 8 && k > 2 ? 0 : 100 * Math.pow(1e-5, i / (double) Math.max(1, k - 1));
            }
            double[] u = orthonormalColumns(r, m, k);
            double[] v = orthonormalColumns(r, n, k);
            double[] a = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += u[i * k + p] * sigma[p] * v[j * k + p];
                    }
                    a[i * n + j] = s;
                }
            }
            assertSpectrum(sigma, Spectrum.singularValues(a, m, n), m + "×" + n);
        }
    }

    /**
     * Non-zero singular values to 1e-9 of the largest; zero ones to 1e-7 of it, since through the Gram matrix a zero
     * singular value comes out as the square root of roundoff (about √ε·σ_max).
     */
    private static void assertSpectrum(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            double tol = (expected[i] == 0 ? 1e-7 : 1e-9) * expected[0];
            assertEquals(expected[i], actual[i], tol, what + " σ" + i);
        }
    }

    @Test
    void floatInputAndEmptyShapes() {
        assertArrayEquals(new double[]{5}, Spectrum.singularValues(new float[]{3, 4}, 1, 2), 1e-12);
        assertEquals(0, Spectrum.singularValues(new double[0], 0, 7).length);
        assertThrows(IllegalArgumentException.class, () -> Spectrum.singularValues(new double[5], 2, 3));
    }

    @Test
    void stableRankOnHandComputedCases() {
        assertEquals(4, Spectrum.stableRank(new double[]{1, 1, 1, 1}, 0.01));
        assertEquals(3, Spectrum.stableRank(new double[]{1, 1, 1, 1}, 0.25));
        assertEquals(1, Spectrum.stableRank(new double[]{10, 0.01, 0.01}, 0.01));
        assertEquals(3, Spectrum.stableRank(new double[]{10, 0.01, 0.01}, 0.0));
        assertEquals(2, Spectrum.stableRank(new double[]{0.01, 10, 0, 5}, 0.01), "unsorted input, trailing zero");
        assertEquals(2, Spectrum.stableRank(new double[]{3, 1, 0, 0}, 0.0));
        assertEquals(0, Spectrum.stableRank(new double[]{0, 0}, 0.01));
        assertEquals(0, Spectrum.stableRank(new double[0], 0.01));
        assertThrows(IllegalArgumentException.class, () -> Spectrum.stableRank(new double[]{1}, 1.0));
        assertThrows(IllegalArgumentException.class, () -> Spectrum.stableRank(new double[]{-1}, 0.1));
    }

    @Test
    void stableRankOfAKnownSpectrum() {
        double[] a = new double[6 * 8];
        double[] diag = {8, 4, 2, 1, 0.5, 0.5};
        for (int i = 0; i < 6; i++) {
            a[i * 8 + i] = diag[i];
        }
        // Σσ = 16: 8, 12, 14, 15, 15.5, 16 cumulative; 1 − δ = 0.9 needs 14.4, so 4.
        assertEquals(4, Spectrum.stableRank(Spectrum.singularValues(a, 6, 8), 0.1));
    }

    /** {@code rows × cols} row-major with orthonormal columns: modified Gram–Schmidt on a Gaussian matrix. */
    private static double[] orthonormalColumns(SplittableRandom r, int rows, int cols) {
        double[] q = new double[rows * cols];
        for (int i = 0; i < q.length; i++) {
            q[i] = r.nextGaussian();
        }
        for (int c = 0; c < cols; c++) {
            for (int p = 0; p < c; p++) {
                double dot = 0;
                for (int i = 0; i < rows; i++) {
                    dot += q[i * cols + c] * q[i * cols + p];
                }
                for (int i = 0; i < rows; i++) {
                    q[i * cols + c] -= dot * q[i * cols + p];
                }
            }
            double norm = 0;
            for (int i = 0; i < rows; i++) {
                norm += q[i * cols + c] * q[i * cols + c];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < rows; i++) {
                q[i * cols + c] /= norm;
            }
        }
        return q;
    }

    private static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        return t;
    }
}
