package dev.topiary.linalg;

import java.util.Arrays;

/**
 * Eigenvalues of a real symmetric matrix in double precision: Householder reduction to tridiagonal form, then
 * bisection on Sturm sequence counts. Bisection is slower than QR iteration per eigenvalue but simple, and it finds
 * every eigenvalue to an absolute accuracy of a few ulps of the matrix norm.
 */
final class SymmetricEigen {
    private SymmetricEigen() {
    }

    /** The eigenvalues of the symmetric {@code n × n} matrix {@code a} (row-major, overwritten), ascending. */
    static double[] eigenvalues(double[] a, int n) {
        double[] diag = new double[n];
        double[] off = new double[Math.max(0, n - 1)];
        tridiagonalize(a, n, diag, off);
        return bisectAll(diag, off);
    }

    /**
     * Reduces {@code a} to a symmetric tridiagonal matrix with the same eigenvalues by n − 2 Householder
     * reflections H = I − 2vvᵀ applied from both sides; only the diagonal and the first off-diagonal are returned.
     */
    static void tridiagonalize(double[] a, int n, double[] diag, double[] off) {
        double[] v = new double[n];
        double[] w = new double[n];
        for (int k = 0; k < n - 2; k++) {
            double alpha = reflector(a, n, k, v);
            if (alpha != 0) {
                applyBothSides(a, n, k + 1, v, w);
            }
            off[k] = alpha;
        }
        for (int i = 0; i < n; i++) {
            diag[i] = a[i * n + i];
        }
        if (n >= 2) {
            off[n - 2] = a[(n - 1) * n + n - 2];
        }
    }

    /**
     * The unit vector v (entries k+1 .. n−1) whose reflection maps column k below the diagonal onto a multiple of
     * the first unit vector, and that multiple (the new sub-diagonal entry). v is zero when the column already is.
     */
    private static double reflector(double[] a, int n, int k, double[] v) {
        double scale = 0;
        for (int i = k + 1; i < n; i++) {
            scale = Math.max(scale, Math.abs(a[i * n + k]));
        }
        Arrays.fill(v, 0);
        if (scale == 0) {
            return 0;
        }
        double norm2 = 0;
        for (int i = k + 1; i < n; i++) {
            v[i] = a[i * n + k] / scale;
            norm2 += v[i] * v[i];
        }
        double x0 = v[k + 1];
        double alpha = -Math.copySign(Math.sqrt(norm2), x0);
        v[k + 1] = x0 - alpha;
        double vNorm = Math.sqrt(norm2 - x0 * x0 + v[k + 1] * v[k + 1]);
        for (int i = k + 1; i < n; i++) {
            v[i] /= vNorm;
        }
        return alpha * scale;
    }

    /** B ← H B H on the trailing block B = a[from.., from..], with p = Bv, w = 2p − 2(vᵀp)v, B ← B − vwᵀ − wvᵀ. */
    private static void applyBothSides(double[] a, int n, int from, double[] v, double[] w) {
        double vp = 0;
        for (int i = from; i < n; i++) {
            double p = 0;
            for (int j = from; j < n; j++) {
                p += a[i * n + j] * v[j];
            }
            w[i] = p;
            vp += v[i] * p;
        }
        for (int i = from; i < n; i++) {
            w[i] = 2 * w[i] - 2 * vp * v[i];
        }
        for (int i = from; i < n; i++) {
            int row = i * n;
            for (int j = from; j < n; j++) {
                a[row + j] -= v[i] * w[j] + w[i] * v[j];
            }
        }
    }

    /** All eigenvalues of the tridiagonal matrix (diag, off), ascending, each by bisection. */
    static double[] bisectAll(double[] diag, double[] off) {
        int n = diag.length;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double radius = (i > 0 ? Math.abs(off[i - 1]) : 0) + (i < n - 1 ? Math.abs(off[i]) : 0);
            lo = Math.min(lo, diag[i] - radius);
            hi = Math.max(hi, diag[i] + radius);
        }
        double[] e2 = new double[Math.max(0, n - 1)];
        for (int i = 0; i < n - 1; i++) {
            e2[i] = off[i] * off[i];
        }
        double[] lambda = new double[n];
        double tol = 2 * Math.ulp(Math.max(Math.abs(lo), Math.abs(hi))) + Double.MIN_NORMAL;
        for (int k = 0; k < n; k++) {
            lambda[k] = kth(diag, e2, k, lo - tol, hi + tol, tol);
        }
        return lambda;
    }

    /**
     * The k-th smallest eigenvalue (k from 0), by halving [lo, hi] down to {@code tol}, a few ulps of the matrix
     * norm: no eigenvalue is determined more accurately than that by the reduction anyway.
     */
    private static double kth(double[] diag, double[] e2, int k, double lo, double hi, double tol) {
        while (true) {
            double mid = 0.5 * (lo + hi);
            if (hi - lo <= tol || mid <= lo || mid >= hi) {
                return mid;
            }
            if (countBelow(diag, e2, mid) > k) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
    }

    /** Number of eigenvalues smaller than x: the negative pivots of the LDLᵀ factorisation of T − xI (Sturm). */
    static int countBelow(double[] diag, double[] e2, double x) {
        int count = 0;
        double q = 1;
        for (int i = 0; i < diag.length; i++) {
            q = diag[i] - x - (i > 0 ? e2[i - 1] / q : 0);
            if (q == 0) {
                q = -Double.MIN_NORMAL * (1 + Math.abs(x));
            }
            if (q < 0) {
                count++;
            }
        }
        return count;
    }
}
