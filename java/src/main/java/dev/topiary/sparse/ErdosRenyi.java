package dev.topiary.sparse;

import java.util.List;

/**
 * Erdős–Rényi layer-wise densities for a global sparsity S (Mocanu et al. 2018; RigL's ERK without kernel
 * dimensions, which MLPs lack). A layer of shape {@code rows × cols} gets density
 * {@code d_l = ε · (rows + cols) / (rows · cols)}, with ε chosen so that {@code Σ_l d_l n_l = (1 − S) Σ_l n_l}.
 * A layer whose density would exceed 1 is saturated: it is made fully dense and ε is solved again on the others,
 * largest raw density first. Only weight matrices take part; biases and norms stay dense.
 */
public final class ErdosRenyi {
    private ErdosRenyi() {
    }

    /** Density of each layer ({@code {rows, cols}} shapes) for global sparsity {@code sparsity} in [0, 1). */
    public static double[] densities(List<int[]> shapes, double sparsity) {
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException("sparsity " + sparsity + " must lie in [0, 1)");
        }
        int layers = shapes.size();
        double[] raw = new double[layers];
        double[] size = new double[layers];
        for (int l = 0; l < layers; l++) {
            double rows = shapes.get(l)[0];
            double cols = shapes.get(l)[1];
            raw[l] = (rows + cols) / (rows * cols);
            size[l] = rows * cols;
        }
        boolean[] dense = new boolean[layers];
        double epsilon = solveEpsilon(raw, size, dense, sparsity);
        while (epsilon * maxRaw(raw, dense) > 1) {
            double max = maxRaw(raw, dense);
            for (int l = 0; l < layers; l++) {
                dense[l] |= raw[l] == max;
            }
            epsilon = solveEpsilon(raw, size, dense, sparsity);
        }
        double[] d = new double[layers];
        for (int l = 0; l < layers; l++) {
            d[l] = dense[l] ? 1 : Math.min(1, epsilon * raw[l]);
        }
        return d;
    }

    /** Active entries per layer: exactly {@code round(d_l · n_l)}. */
    public static int[] activeCounts(List<int[]> shapes, double sparsity) {
        double[] d = densities(shapes, sparsity);
        int[] k = new int[d.length];
        for (int l = 0; l < d.length; l++) {
            k[l] = activeCount(d[l], shapes.get(l)[0], shapes.get(l)[1]);
        }
        return k;
    }

    /** {@code round(d · rows · cols)}. */
    public static int activeCount(double density, int rows, int cols) {
        return (int) Math.round(density * rows * cols);
    }

    /** ε with the dense layers fixed: {@code ((1 − S) Σ n − Σ_dense n) / Σ_sparse raw·n}; 0 if none is sparse. */
    private static double solveEpsilon(double[] raw, double[] size, boolean[] dense, double sparsity) {
        double budget = 0;
        double divisor = 0;
        for (int l = 0; l < raw.length; l++) {
            budget += (1 - sparsity) * size[l];
            if (dense[l]) {
                budget -= size[l];
            } else {
                divisor += raw[l] * size[l];
            }
        }
        return divisor == 0 ? 0 : budget / divisor;
    }

    private static double maxRaw(double[] raw, boolean[] dense) {
        double max = 0;
        for (int l = 0; l < raw.length; l++) {
            if (!dense[l]) {
                max = Math.max(max, raw[l]);
            }
        }
        return max;
    }
}
