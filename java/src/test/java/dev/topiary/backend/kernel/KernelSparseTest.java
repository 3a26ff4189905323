package dev.topiary.backend.kernel;

import dev.topiary.backend.Backend;
import dev.topiary.backend.Parity;
import dev.topiary.backend.SparseWeight;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Paths of the kernel sparse layer that the shared parity tests do not reach: rows of 9 to 16 columns (two rows per
 * warp in the layout kernels), three aligned arrays (a second gather and scatter launch), and an empty batch.
 * Checked against the reference; runs on kernel backends only.
 */
@Tag("emu")
class KernelSparseTest {

    /** The compact arrays after compaction, and the dense arrays after expanding them again. */
    private static double[][] roundTrip(Backend be, int rows, int cols, byte[] mask, float[][] dense, int nnz) {
        try (TensorArena arena = be.newArena()) {
            SparseWeight w = SparseWeight.compact(arena, rows, cols, Math.min(rows * cols, nnz + 4));
            Tensor m = arena.u8(rows, cols);
            m.copyFrom(mask);
            Tensor[] d = new Tensor[dense.length - 1];
            Tensor[] c = new Tensor[dense.length - 1];
            for (int i = 0; i < d.length; i++) {
                d[i] = arena.f32(rows, cols, dense[i + 1]);
                c[i] = arena.f32(1, w.capacity());
            }
            be.sparse().compact(arena.f32(rows, cols, dense[0]), m, nnz, w, d, c);
            Tensor values = arena.f32(rows, cols);
            Tensor mask2 = arena.u8(rows, cols);
            Tensor[] back = new Tensor[d.length];
            for (int i = 0; i < back.length; i++) {
                back[i] = arena.f32(rows, cols, dense[0]);  // non-zero, so expand must clear it
            }
            be.sparse().expand(w, values, mask2, c, back);
            return new double[][] {w.values().toDoubles(), w.rowPtr().toDoubles(), w.colIdx().toDoubles(),
                w.colPtr().toDoubles(), w.rowIdx().toDoubles(), w.perm().toDoubles(), c[0].toDoubles(),
                c[2].toDoubles(), values.toDoubles(), mask2.toDoubles(), back[0].toDoubles(), back[2].toDoubles()};
        }
    }

    @Test
    void narrowRowsAndThreeAlignedArraysRoundTrip() {
        List<KernelBackend> backends = KernelBlasTest.kernelBackends();
        assumeFalse(backends.isEmpty(), "no kernel backend among the parity candidates");
        for (int[] s : new int[][] {{37, 13}, {5, 16}, {9, 3}, {33, 40}}) {
            for (double density : new double[] {0.3, 1.0}) {
                long seed = Parity.freshSeed();
                SplittableRandom r = new SplittableRandom(seed);
                int n = s[0] * s[1];
                byte[] mask = Parity.mask(r, n, density);
                int nnz = 0;
                for (byte b : mask) {
                    nnz += b;
                }
                float[][] dense = new float[4][];
                for (int i = 0; i < dense.length; i++) {
                    dense[i] = Parity.normal(r, n, 1);
                }
                double[][] want = roundTrip(Parity.reference(), s[0], s[1], mask, dense, nnz);
                for (KernelBackend be : backends) {
                    double[][] got = roundTrip(be, s[0], s[1], mask, dense, nnz);
                    for (int i = 0; i < want.length; i++) {
                        assertArrayEquals(want[i], got[i], "array " + i + " of " + s[0] + "×" + s[1] + " density "
                                + density + " seed " + seed + " on " + be.description());
                    }
                }
            }
        }
    }

    /** forward, dX and dW (beta 0.5) of a batch of 0 samples: only dW changes (it is scaled by beta). */
    private static double[] emptyBatch(Backend be, SparseWeight.Layout layout, float[] values, byte[] mask, int nnz) {
        try (TensorArena arena = be.newArena()) {
            SparseWeight w = layout == SparseWeight.Layout.MASKED ? SparseWeight.masked(arena, 6, 5)
                    : SparseWeight.compact(arena, 6, 5, 30);
            Tensor m = arena.u8(6, 5);
            m.copyFrom(mask);
            if (layout == SparseWeight.Layout.MASKED) {
                w.values().copyFrom(values);
                w.mask().copyFrom(mask);
                w.setNnz(nnz);
            } else {
                be.sparse().compact(arena.f32(6, 5, values), m, nnz, w, null, null);
            }
            Tensor x = arena.f32(0, 5);
            Tensor dy = arena.f32(0, 6);
            be.sparse().forward(x, w, null, arena.f32(0, 6));
            be.sparse().backwardInput(dy, w, 0.5f, arena.f32(0, 5));
            Tensor dw = w.newAligned(arena);
            dw.copyFrom(values);
            be.sparse().backwardWeight(dy, x, w, 0.5f, dw);
            return dw.toDoubles();
        }
    }

    @Test
    void anEmptyBatchOnlyScalesTheWeightGradient() {
        List<KernelBackend> backends = KernelBlasTest.kernelBackends();
        assumeFalse(backends.isEmpty(), "no kernel backend among the parity candidates");
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        byte[] mask = Parity.mask(r, 30, 0.4);
        float[] values = Parity.normal(r, 30, 1);
        int nnz = 0;
        for (int i = 0; i < 30; i++) {
            values[i] = mask[i] != 0 ? values[i] : 0f;
            nnz += mask[i];
        }
        for (SparseWeight.Layout layout : new SparseWeight.Layout[] {SparseWeight.Layout.MASKED,
            SparseWeight.Layout.COMPACT}) {
            double[] want = emptyBatch(Parity.reference(), layout, values, mask, nnz);
            for (KernelBackend be : backends) {
                assertArrayEquals(want, emptyBatch(be, layout, values, mask, nnz), layout + " seed " + seed + " on "
                        + be.description());
            }
        }
    }
}
