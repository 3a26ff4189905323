package dev.topiary.backend;

import dev.topiary.backend.ReduceOps.Kind;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.SplittableRandom;

import static dev.topiary.backend.OpTestSupport.forEachCandidate;
import static dev.topiary.backend.OpTestSupport.rejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** ReduceOps on every candidate backend against the float64 reference. */
@Tag("emu")
class ReduceParityTest {

    /** Normal data, plus a non-negative variant whose sums do not cancel (the hard case for roundoff growth). */
    private static float[] data(SplittableRandom r, int n, boolean positive) {
        return positive ? Parity.uniform(r, n, 0, 10) : Parity.normal(r, n, 3);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void allColsRows(Kind kind) {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        for (int[] s : OpTestSupport.SHAPES) {
            int rows = s[0];
            int cols = s[1];
            for (boolean positive : new boolean[] {false, true}) {
                float[] x = data(r, rows * cols, positive);
                float[] old = Parity.normal(r, cols, 1);
                String context = kind + " " + rows + "×" + cols + " positive=" + positive + " seed " + seed;
                forEachCandidate(rows, cols, context, p -> {
                    Tensor[] xt = p.f32(rows, cols, x);
                    Tensor[] all = p.zeros(1, 1);
                    p.ref.reduce().all(kind, xt[0], all[0]);
                    p.cand.reduce().all(kind, xt[1], all[1]);
                    p.close("all", all, Parity.tolerance(rows * cols));
                    Tensor[] perRow = p.zeros(rows, 1);
                    p.ref.reduce().rows(kind, xt[0], perRow[0]);
                    p.cand.reduce().rows(kind, xt[1], perRow[1]);
                    p.close("rows", perRow, Parity.tolerance(cols));
                    boolean accumulates = kind == Kind.SUM || kind == Kind.MEAN;
                    for (float beta : accumulates ? new float[] {0f, 1f, -0.5f} : new float[] {0f}) {
                        Tensor[] perCol = p.f32(1, cols, old);
                        p.ref.reduce().cols(kind, xt[0], beta, perCol[0]);
                        p.cand.reduce().cols(kind, xt[1], beta, perCol[1]);
                        p.close("cols beta " + beta, perCol, Parity.tolerance(rows));
                    }
                });
            }
        }
    }

    /**
     * A long non-negative sum: a plain float running sum of 2^22 copies of 0.1 drifts by percents (late on, each 0.1
     * rounds to a multiple of the running sum's ulp, 1/32); the CPU's sums stay within 10⁻⁵.
     */
    @Test
    void longSumsStayAccurate() {
        // Under AddressSanitizer only the emulated kernels run: a quarter of the length, where a plain float sum
        // still drifts by percents.
        int n = Parity.ASAN ? 1 << 20 : 1 << 22;
        float[] x = new float[n];
        java.util.Arrays.fill(x, 0.1f);
        double exact = n * (double) 0.1f;
        for (Backend b : Parity.candidates()) {
            try (TensorArena a = b.newArena()) {
                Tensor t = a.f32(1, n, x);
                Tensor out = a.f32(1, 1);
                b.reduce().all(Kind.SUM, t, out);
                assertEquals(exact, out.scalar(), exact * 1e-5, b.description());
                Tensor col = a.f32(n, 1, x);
                Tensor sumCol = a.f32(1, 1);
                b.reduce().cols(Kind.SUM, col, 0f, sumCol);
                assertEquals(exact, sumCol.scalar(), exact * 1e-5, b.description() + " cols");
            }
        }
    }

    @Test
    void emptyReductions() {
        for (Backend b : java.util.List.of(Parity.reference(), Parity.candidates().get(0))) {
            try (TensorArena a = b.newArena()) {
                Tensor empty = a.f32(0, 3);
                Tensor out = a.f32(1, 1);
                double[] expected = {0, 0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0, 0};
                for (Kind kind : Kind.values()) {
                    b.reduce().all(kind, empty, out);
                    assertEquals(expected[kind.ordinal()], out.scalar(), b.name() + " all " + kind);
                    Tensor cols = a.f32(1, 3, new float[] {Float.NaN, Float.NaN, Float.NaN});
                    b.reduce().cols(kind, empty, 0f, cols);
                    assertArrayEquals(new double[] {expected[kind.ordinal()], expected[kind.ordinal()],
                        expected[kind.ordinal()]}, cols.toDoubles(), b.name() + " cols " + kind);
                    Tensor rowsOut = a.f32(2, 1);
                    b.reduce().rows(kind, a.f32(2, 0), rowsOut);
                    assertEquals(expected[kind.ordinal()], rowsOut.toDoubles()[1], b.name() + " rows " + kind);
                }
            }
        }
    }

    @Test
    void extremesPropagateNaN() {
        float[] x = {1f, Float.NaN, 3f, -2f};
        for (Backend b : Parity.candidates()) {
            try (TensorArena a = b.newArena()) {
                Tensor out = a.f32(1, 1);
                for (Kind kind : Kind.values()) {
                    b.reduce().all(kind, a.f32(1, 4, x), out);
                    assertEquals(Double.NaN, out.scalar(), b.name() + " " + kind);
                }
                // One NaN inside a full vector, so the vector path (not the scalar tail) meets it.
                float[] wide = new float[100];
                java.util.Arrays.fill(wide, -1f);
                wide[37] = Float.NaN;
                Tensor w = a.f32(1, 100, wide);
                Tensor col = a.f32(1, 100);
                for (Kind kind : Kind.values()) {
                    b.reduce().all(kind, w, out);
                    assertEquals(Double.NaN, out.scalar(), b.name() + " vector " + kind);
                    b.reduce().cols(kind, a.f32(2, 100, java.util.Arrays.copyOf(wide, 200)), 0f, col);
                    assertEquals(Double.NaN, col.toDoubles()[37], b.name() + " cols " + kind);
                }
            }
        }
    }

    @Test
    void argmaxRowsTiesNaNAndInfinities() {
        float inf = Float.POSITIVE_INFINITY;
        float nan = Float.NaN;
        float[] x = {
            1, 3, 3, 2, 0,
            nan, 5, nan, 1, 1,
            -inf, -inf, -inf, -inf, -inf,
            1, inf, 2, inf, nan,
            -0f, 0f, -0f, 0f, -1,
            4, 4, 4, 4, 4,
        };
        double[] expected = {1, 0, 0, 4, 0, 0};
        List<Backend> all = List.of(Parity.reference(), Parity.candidates().get(0), Parity.candidates().get(1));
        for (Backend b : all) {
            try (TensorArena a = b.newArena()) {
                Tensor out = a.i32(6, 1);
                b.reduce().argmaxRows(a.f32(6, 5, x), out);
                assertArrayEquals(expected, out.toDoubles(), b.description());
            }
        }
    }

    @Test
    void argmaxRowsAtEveryShape() {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        for (int[] s : OpTestSupport.SHAPES) {
            // Values on a coarse grid, so that ties are common.
            float[] x = Parity.uniform(r, s[0] * s[1], 0, 8);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) Math.floor(x[i]);
            }
            forEachCandidate(s[0], s[1], "argmax " + s[0] + "×" + s[1] + " seed " + seed, p -> {
                Tensor[] xt = p.f32(s[0], s[1], x);
                Tensor[] out = p.allocate(DType.I32, s[0], 1);
                p.ref.reduce().argmaxRows(xt[0], out[0]);
                p.cand.reduce().argmaxRows(xt[1], out[1]);
                p.exact("argmaxRows", out);
            });
        }
    }

    @Test
    void validationNamesTheOp() {
        for (Backend b : java.util.List.of(Parity.reference(), Parity.candidates().get(0))) {
            try (TensorArena a = b.newArena()) {
                Tensor x = a.f32(3, 4);
                rejects("reduce.all(SUM)", () -> b.reduce().all(Kind.SUM, x, a.f32(1, 2)));
                rejects("reduce.cols(MAX)", () -> b.reduce().cols(Kind.MAX, x, 1f, a.f32(1, 4)));
                rejects("reduce.cols(SUM)", () -> b.reduce().cols(Kind.SUM, x, 0f, a.f32(4, 1)));
                rejects("reduce.rows(MEAN)", () -> b.reduce().rows(Kind.MEAN, x, a.f32(1, 3)));
                rejects("argmaxRows", () -> b.reduce().argmaxRows(x, a.f32(3, 1)));
                rejects("argmaxRows", () -> b.reduce().argmaxRows(a.f32(3, 0), a.i32(3, 1)));
            }
        }
    }
}
