package dev.topiary.backend;

import dev.topiary.backend.ElementOps.Binary;
import dev.topiary.backend.ElementOps.Unary;
import dev.topiary.backend.kernel.KernelBackend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;

import static dev.topiary.backend.OpTestSupport.forEachCandidate;
import static dev.topiary.backend.OpTestSupport.rejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ElementOps on every candidate backend against the float64 reference. */
@Tag("emu")
class ElementParityTest {
    private static final double TOL = Parity.tolerance(1);

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> shapes() {
        return OpTestSupport.shapes();
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void fillAndCopyEveryDtype(int rows, int cols) {
        forEachCandidate(rows, cols, rows + "×" + cols, p -> {
            for (DType dtype : DType.values()) {
                for (double value : new double[] {0.0, -3.7, 257.9, 1e10}) {
                    Tensor[] t = p.allocate(dtype, rows, cols);
                    Tensor[] c = p.allocate(dtype, rows, cols);
                    p.ref.elements().fill(t[0], value);
                    p.cand.elements().fill(t[1], value);
                    p.ref.elements().copy(t[0], c[0]);
                    p.cand.elements().copy(t[1], c[1]);
                    p.exact("fill " + dtype + " " + value, t);
                    p.exact("copy " + dtype + " " + value, c);
                }
            }
        });
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void axpbyAffineClampAlsoInPlace(int rows, int cols) {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        int n = rows * cols;
        float[] x = Parity.normal(r, n, 2.0);
        float[] y = Parity.normal(r, n, 1.0);
        forEachCandidate(rows, cols, rows + "×" + cols + " seed " + seed, p -> {
            Tensor[] xs = p.f32(rows, cols, x);
            Tensor[] ys = p.f32(rows, cols, y);
            Tensor[] out = p.zeros(rows, cols);
            for (int b = 0; b < 2; b++) {
                p.ref.elements().axpby(0.75f, xs[0], -1.5f, ys[0], out[0]);
                p.cand.elements().axpby(0.75f, xs[1], -1.5f, ys[1], out[1]);
                p.close("axpby", out, TOL);
                p.ref.elements().affine(xs[0], -2.5f, 0.125f, out[0]);
                p.cand.elements().affine(xs[1], -2.5f, 0.125f, out[1]);
                p.close("affine", out, TOL);
                p.ref.elements().clamp(xs[0], -1f, 0.5f, out[0]);
                p.cand.elements().clamp(xs[1], -1f, 0.5f, out[1]);
                p.close("clamp", out, TOL);
                // Second round in place: the output is the first input.
                out = p.f32(rows, cols, x);
                xs = out;
            }
            p.ref.elements().axpby(0.75f, ys[0], -1.5f, xs[0], ys[0]);
            p.cand.elements().axpby(0.75f, ys[1], -1.5f, xs[1], ys[1]);
            p.close("axpby into y", ys, TOL);
        });
    }

    @ParameterizedTest
    @EnumSource(Binary.class)
    void binaryWithEveryBroadcastAlsoInPlace(Binary op) {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        for (int[] s : OpTestSupport.SHAPES) {
            int rows = s[0];
            int cols = s[1];
            float[] a = Parity.normal(r, rows * cols, 3.0);
            int[][] bShapes = {{rows, cols}, {1, cols}, {rows, 1}, {1, 1}};
            for (int[] bs : bShapes) {
                float[] b = OpTestSupport.awayFromZero(r, bs[0] * bs[1], -4, 4, 0.25);
                String context = op + " " + rows + "×" + cols + " b " + bs[0] + "×" + bs[1] + " seed " + seed;
                forEachCandidate(rows, cols, context, p -> {
                    Tensor[] at = p.f32(rows, cols, a);
                    Tensor[] bt = p.f32(bs[0], bs[1], b);
                    Tensor[] out = p.zeros(rows, cols);
                    p.ref.elements().binary(op, at[0], bt[0], out[0]);
                    p.cand.elements().binary(op, at[1], bt[1], out[1]);
                    p.close("out", out, TOL);
                    p.ref.elements().binary(op, at[0], bt[0], at[0]);
                    p.cand.elements().binary(op, at[1], bt[1], at[1]);
                    p.close("in place", at, TOL);
                });
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Unary.class)
    void unaryAlsoInPlace(Unary op) {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        boolean positive = op == Unary.LOG || op == Unary.SQRT;
        for (int[] s : OpTestSupport.SHAPES) {
            int rows = s[0];
            int cols = s[1];
            float[] x = positive ? Parity.uniform(r, rows * cols, 1e-3, 50) : Parity.normal(r, rows * cols, 4.0);
            forEachCandidate(rows, cols, op + " " + rows + "×" + cols + " seed " + seed, p -> {
                Tensor[] xt = p.f32(rows, cols, x);
                Tensor[] out = p.zeros(rows, cols);
                p.ref.elements().unary(op, xt[0], out[0]);
                p.cand.elements().unary(op, xt[1], out[1]);
                p.close("out", out, TOL);
                p.ref.elements().unary(op, xt[0], xt[0]);
                p.cand.elements().unary(op, xt[1], xt[1]);
                p.close("in place", xt, TOL);
            });
        }
    }

    /** Values at the edges of each function's domain, checked exactly on the candidates. */
    @Test
    void unarySpecialValues() {
        float[] x = {0f, -0f, -1f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1e-40f, 90f};
        for (Backend b : Parity.candidates()) {
            try (TensorArena a = b.newArena()) {
                Tensor xt = a.f32(1, x.length, x);
                Tensor out = a.f32(1, x.length);
                b.elements().unary(Unary.LOG, xt, out);
                float[] log = out.toFloats();
                assertEquals(Float.NEGATIVE_INFINITY, log[0]);
                assertTrue(Float.isNaN(log[2]) && Float.isNaN(log[5]), "log of −1 and NaN");
                assertEquals(Float.POSITIVE_INFINITY, log[3]);
                assertEquals(Math.log(1e-40f), log[6], 1e-4);
                b.elements().unary(Unary.EXP, xt, out);
                float[] exp = out.toFloats();
                assertArrayEquals(new float[] {1f, 1f, (float) Math.exp(-1), Float.POSITIVE_INFINITY, 0f},
                        java.util.Arrays.copyOf(exp, 5), 1e-7f);
                assertTrue(Float.isNaN(exp[5]) && exp[7] == Float.POSITIVE_INFINITY, "exp of NaN and 90");
                b.elements().unary(Unary.SIGN, xt, out);
                float[] sign = out.toFloats();
                assertArrayEquals(new float[] {0f, -0f, -1f, 1f, -1f}, java.util.Arrays.copyOf(sign, 5));
                b.elements().unary(Unary.SYMLOG, xt, out);
                assertEquals(Float.NEGATIVE_INFINITY, out.toFloats()[4]);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void concatAndSlice(int rows, int cols) {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        int[] widths = {cols, 1, 7};
        forEachCandidate(rows, cols, rows + "×" + cols + " seed " + seed, p -> {
            Tensor[][] parts = new Tensor[widths.length][];
            for (int i = 0; i < widths.length; i++) {
                parts[i] = p.f32(rows, widths[i], Parity.normal(r, rows * widths[i], 1));
            }
            int total = cols + 8;
            Tensor[] out = p.zeros(rows, total);
            p.ref.elements().concatCols(new Tensor[] {parts[0][0], parts[1][0], parts[2][0]}, out[0]);
            p.cand.elements().concatCols(new Tensor[] {parts[0][1], parts[1][1], parts[2][1]}, out[1]);
            p.exact("concatCols", out);
            Tensor[] slice = p.zeros(rows, 3);
            p.ref.elements().sliceCols(out[0], cols - 1, slice[0]);
            p.cand.elements().sliceCols(out[1], cols - 1, slice[1]);
            p.exact("sliceCols", slice);
        });
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void gatherAndScatterEveryDtype(int rows, int cols) {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        int picks = 2 * rows + 1;
        int[] gatherIdx = r.ints(picks, 0, rows).toArray();
        int[] perm = permutation(r, rows);
        forEachCandidate(rows, cols, rows + "×" + cols + " seed " + seed, p -> {
            for (DType dtype : DType.values()) {
                double[] values = new double[rows * cols];
                for (int i = 0; i < values.length; i++) {
                    values[i] = switch (dtype) {
                        case U8 -> r.nextInt(256);
                        case I32 -> r.nextInt();
                        default -> r.nextGaussian();
                    };
                }
                Tensor[] src = p.allocate(dtype, rows, cols);
                src[0].copyFrom(values);
                src[1].copyFrom(values);
                Tensor[] idx = p.allocate(DType.I32, picks, 1);
                idx[0].copyFrom(gatherIdx);
                idx[1].copyFrom(gatherIdx);
                Tensor[] gathered = p.allocate(dtype, picks, cols);
                p.ref.elements().gatherRows(src[0], idx[0], gathered[0]);
                p.cand.elements().gatherRows(src[1], idx[1], gathered[1]);
                p.exact("gatherRows " + dtype, gathered);
                Tensor[] pidx = p.allocate(DType.I32, rows, 1);
                pidx[0].copyFrom(perm);
                pidx[1].copyFrom(perm);
                Tensor[] scattered = p.allocate(dtype, rows, cols);
                p.ref.elements().scatterRows(src[0], pidx[0], scattered[0]);
                p.cand.elements().scatterRows(src[1], pidx[1], scattered[1]);
                p.exact("scatterRows " + dtype, scattered);
            }
        });
    }

    private static int[] permutation(SplittableRandom r, int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /** Duplicate indices: rows outside idx stay, and the CPU picks the same row (the last) on every thread count. */
    @Test
    void scatterWithDuplicatesIsDeterministic() {
        int[] idx = {2, 0, 2, 2};
        float[] src = {1, 1, 2, 2, 3, 3, 4, 4};
        for (Backend b : Parity.candidates()) {
            try (TensorArena a = b.newArena()) {
                Tensor out = a.f32(4, 2, new float[] {9, 9, 9, 9, 9, 9, 9, 9});
                Tensor it = a.i32(4, 1);
                it.copyFrom(idx);
                b.elements().scatterRows(a.f32(4, 2, src), it, out);
                assertArrayEquals(new float[] {2, 2, 9, 9, 4, 4, 9, 9}, out.toFloats(), b.description());
            }
        }
    }

    /** Kernels cannot throw on a bad index read on the device: gather leaves that row, scatter skips that source. */
    @Test
    void kernelsSkipOutOfRangeRows() {
        for (Backend b : Parity.candidates()) {
            if (!(b instanceof KernelBackend)) {
                continue;
            }
            try (TensorArena a = b.newArena()) {
                Tensor idx = a.i32(3, 1);
                idx.copyFrom(new int[] {1, -1, 2});
                Tensor out = a.f32(3, 2, new float[] {9, 9, 9, 9, 9, 9});
                b.elements().gatherRows(a.f32(2, 2, new float[] {1, 2, 3, 4}), idx, out);
                assertArrayEquals(new float[] {3, 4, 9, 9, 9, 9}, out.toFloats(), b.description());
                Tensor table = a.f32(2, 2, new float[] {7, 7, 7, 7});
                b.elements().scatterRows(a.f32(3, 2, new float[] {1, 2, 3, 4, 5, 6}), idx, table);
                assertArrayEquals(new float[] {7, 7, 1, 2}, table.toFloats(), b.description());
            }
        }
    }

    @Test
    void validationNamesTheOp() {
        for (Backend b : java.util.List.of(Parity.reference(), Parity.candidates().get(0))) {
            try (TensorArena a = b.newArena()) {
                Tensor x = a.f32(3, 4);
                rejects("axpby", () -> b.elements().axpby(1, x, 1, a.f32(4, 3), x));
                rejects("binary(ADD)", () -> b.elements().binary(Binary.ADD, x, a.f32(2, 4), x));
                rejects("binary(MUL)", () -> b.elements().binary(Binary.MUL, x, a.f32(1, 4), a.f32(1, 4)));
                rejects("unary(EXP)", () -> b.elements().unary(Unary.EXP, x, a.f32(3, 5)));
                rejects("clamp", () -> b.elements().clamp(x, 1, 0, x));
                rejects("copy", () -> b.elements().copy(x, a.i32(3, 4)));
                rejects("concatCols", () -> b.elements().concatCols(new Tensor[] {x, x}, a.f32(3, 7)));
                rejects("sliceCols", () -> b.elements().sliceCols(x, 2, a.f32(3, 3)));
                Tensor idx = a.i32(2, 1);
                idx.copyFrom(new int[] {0, 3});
                if (!(b instanceof KernelBackend)) {
                    // Kernels cannot throw on an index read on the device (KernelElements says what they do instead);
                    // under ASan the first candidate is the emulated backend.
                    rejects("gatherRows", () -> b.elements().gatherRows(x, idx, a.f32(2, 4)));
                    rejects("scatterRows", () -> b.elements().scatterRows(a.f32(2, 4), idx, x));
                }
                rejects("gatherRows", () -> b.elements().gatherRows(x, idx, a.f32(2, 5)));
            }
        }
    }
}
