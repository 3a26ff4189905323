package dev.topiary.linalg;

import java.util.Arrays;

/**
 * Singular values of a host matrix and the stable rank built on them, for the representation diagnostics (the
 * stable rank of a batch × features matrix of penultimate features, Kumar et al. 2021).
 *
 * <p>The singular values are the square roots of the eigenvalues of the smaller Gram matrix (AAᵀ or AᵀA), formed and
 * diagonalised in double precision. Squaring costs accuracy only in singular values below about 1e-8 of the largest,
 * far below what a stable rank with δ ≈ 0.01 can notice; a 256 × 512 matrix takes a few tens of milliseconds.
 */
public final class Spectrum {
    private Spectrum() {
    }

    /** The min(rows, cols) singular values of the row-major {@code rows × cols} matrix {@code a}, descending. */
    public static double[] singularValues(double[] a, int rows, int cols) {
        if (rows < 0 || cols < 0 || a.length != (long) rows * cols) {
            throw new IllegalArgumentException("singularValues: a has " + a.length + " elements but the shape is "
                    + rows + "×" + cols);
        }
        int n = Math.min(rows, cols);
        double[] gram = rows <= cols ? rowGram(a, rows, cols) : columnGram(a, rows, cols);
        double[] lambda = SymmetricEigen.eigenvalues(gram, n);
        double[] sigma = new double[n];
        for (int i = 0; i < n; i++) {
            sigma[i] = Math.sqrt(Math.max(0, lambda[n - 1 - i]));
        }
        return sigma;
    }

    /** {@link #singularValues(double[], int, int)} of a float matrix. */
    public static double[] singularValues(float[] a, int rows, int cols) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return singularValues(d, rows, cols);
    }

    /** AAᵀ ({@code rows × rows}): dot products of rows, which are contiguous. */
    private static double[] rowGram(double[] a, int rows, int cols) {
        double[] g = new double[rows * rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k < cols; k++) {
                    s += a[i * cols + k] * a[j * cols + k];
                }
                g[i * rows + j] = s;
                g[j * rows + i] = s;
            }
        }
        return g;
    }

    /** AᵀA ({@code cols × cols}), via the transpose so the inner loops stay contiguous. */
    private static double[] columnGram(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        return rowGram(t, cols, rows);
    }

    /**
     * The stable rank srank_δ = min{k : Σ_{i≤k} σ_i / Σ_i σ_i ≥ 1 − δ} of singular values {@code sigma} (any order;
     * they are sorted descending first). 0 when every singular value is zero.
     */
    public static int stableRank(double[] sigma, double delta) {
        if (!(delta >= 0 && delta < 1)) {
            throw new IllegalArgumentException("stableRank: delta = " + delta + " must lie in [0, 1)");
        }
        double[] s = sigma.clone();
        Arrays.sort(s);
        double total = 0;
        for (int i = s.length - 1; i >= 0; i--) {
            if (!(s[i] >= 0) || Double.isInfinite(s[i])) {
                throw new IllegalArgumentException("stableRank: singular value " + s[i] + " is not finite and ≥ 0");
            }
            total += s[i];
        }
        if (total == 0) {
            return 0;
        }
        double cumulative = 0;
        for (int k = 1; k <= s.length; k++) {
            cumulative += s[s.length - k];
            if (cumulative >= (1 - delta) * total) {
                return k;
            }
        }
        return s.length;
    }
}
