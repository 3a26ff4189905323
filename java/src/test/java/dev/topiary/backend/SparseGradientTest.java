package dev.topiary.backend;

import dev.topiary.backend.SparseWeight.Layout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The reference's backward ops against central finite differences of its forward pass, in float64, for every layout:
 * with the loss {@code L = Σ G ⊙ Y}, {@code backwardInput(G)} must be ∂L/∂X and {@code backwardWeight(G, X)} must be
 * ∂L/∂W at active entries and zero elsewhere. Inputs sit on a grid of 2⁻¹² and the step is 2⁻¹⁰, so the perturbed
 * inputs are exact in float32 and, the layer being linear, the differences are exact up to float64 rounding.
 */
class SparseGradientTest {
    private static final double H = 0x1p-10;
    private static final int PROBES = 12;

    /** Σ G ⊙ forward(X, W) on the reference. */
    private static double loss(SparseFixture f, float[] x, float[] values) {
        Backend ref = Parity.reference();
        try (TensorArena arena = ref.newArena()) {
            SparseWeight w = f.weight(ref, arena, values);
            Tensor y = arena.f32(f.batch, f.out);
            ref.sparse().forward(arena.f32(f.batch, f.in, x), w, arena.f32(1, f.out, f.bias), y);
            double[] yd = y.toDoubles();
            double sum = 0;
            for (int i = 0; i < yd.length; i++) {
                sum += f.dy[i] * yd[i];
            }
            return sum;
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void backwardOpsAreTheGradientOfForward(Layout layout) {
        long seed = Parity.freshSeed();
        SparseFixture f = new SparseFixture(layout, 9, 13, 17, 0.4, seed);
        Backend ref = Parity.reference();
        double[] dx;
        double[] dwDense = new double[f.out * f.in];
        try (TensorArena arena = ref.newArena()) {
            SparseWeight w = f.weight(ref, arena);
            Tensor g = arena.f32(f.batch, f.out, f.dy);
            Tensor dxT = arena.f32(f.batch, f.in);
            ref.sparse().backwardInput(g, w, 0f, dxT);
            dx = dxT.toDoubles();
            Tensor dw = w.newAligned(arena);
            ref.sparse().backwardWeight(g, arena.f32(f.batch, f.in, f.x), w, 0f, dw);
            double[] got = dw.toDoubles();
            if (layout == Layout.COMPACT) {
                double[] rowPtr = w.rowPtr().toDoubles();
                double[] colIdx = w.colIdx().toDoubles();
                for (int r = 0; r < f.out; r++) {
                    for (int p = (int) rowPtr[r]; p < (int) rowPtr[r + 1]; p++) {
                        dwDense[r * f.in + (int) colIdx[p]] = got[p];
                    }
                }
            } else {
                System.arraycopy(got, 0, dwDense, 0, dwDense.length);
            }
        }
        SplittableRandom r = new SplittableRandom(seed + 7);
        for (int probe = 0; probe < PROBES; probe++) {
            int i = r.nextInt(f.x.length);
            double fd = centralDifference(f, true, i);
            assertEquals(fd, dx[i], 1e-9 * (1 + Math.abs(fd)), "dX[" + i + "] " + f.describe());
            int j = r.nextInt(f.values.length);
            double expected = f.mask[j] != 0 ? centralDifference(f, false, j) : 0;
            assertEquals(expected, dwDense[j], 1e-9 * (1 + Math.abs(expected)), "dW[" + j + "] " + f.describe());
        }
    }

    /** (L(v + h) − L(v − h)) / 2h for entry i of X ({@code ofInput}) or of the weight values. */
    private static double centralDifference(SparseFixture f, boolean ofInput, int i) {
        float[] plusX = f.x.clone();
        float[] minusX = f.x.clone();
        float[] plusW = f.values.clone();
        float[] minusW = f.values.clone();
        float[] plus = ofInput ? plusX : plusW;
        float[] minus = ofInput ? minusX : minusW;
        plus[i] += (float) H;
        minus[i] -= (float) H;
        return (loss(f, plusX, plusW) - loss(f, minusX, minusW)) / (2 * H);
    }
}
