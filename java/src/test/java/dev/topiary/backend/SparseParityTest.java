package dev.topiary.backend;

import dev.topiary.backend.SparseWeight.Layout;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU sparse layer against the reference in all three layouts: forward, dX, dW (with and without beta), the
 * compact index it builds, and expand. Shapes cover the compact kernels' paths: batches below, at and above one
 * 256-sample register row, fan-ins (forward) and fan-outs (dX) above the 1024-feature column block of the SpMM, and
 * tiny edge cases.
 */
@Tag("emu")
class SparseParityTest {

    /** {batch, out, in}. */
    private static final int[][] SHAPES = {
        {1, 1, 1}, {7, 31, 257}, {257, 7, 31}, {31, 257, 7}, {64, 130, 300}, {300, 70, 90}, {256, 40, 300},
        {1000, 7, 31}, {70, 8, 1100}, {70, 1100, 8},
    };
    private static final double[] DENSITIES = {0, SparseFixture.ONE, 0.05, 0.4, 1.0};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (int[] s : SHAPES) {
            out.add(Arguments.of(Layout.DENSE, s[0], s[1], s[2], 1.0));
            for (Layout layout : new Layout[] {Layout.MASKED, Layout.COMPACT}) {
                for (double d : DENSITIES) {
                    out.add(Arguments.of(layout, s[0], s[1], s[2], d));
                }
            }
        }
        return out.stream();
    }

    /** Forward, dX (beta 0.5) and dW (beta 0, then again with beta 0.5) on one backend, as host arrays. */
    private static double[][] products(Backend be, SparseFixture f) {
        try (TensorArena arena = be.newArena()) {
            SparseWeight w = f.weight(be, arena);
            Tensor x = arena.f32(f.batch, f.in, f.x);
            Tensor dy = arena.f32(f.batch, f.out, f.dy);
            Tensor y = arena.f32(f.batch, f.out);
            be.sparse().forward(x, w, arena.f32(1, f.out, f.bias), y);
            Tensor dx = arena.f32(f.batch, f.in, f.x);
            be.sparse().backwardInput(dy, w, 0.5f, dx);
            Tensor dw = w.newAligned(arena);
            dw.copyFrom(new float[(int) dw.size()]);
            be.sparse().backwardWeight(dy, x, w, 0f, dw);
            double[] dw0 = dw.toDoubles();
            be.sparse().backwardWeight(dy, x, w, 0.5f, dw);
            return new double[][] {y.toDoubles(), dx.toDoubles(), dw0, dw.toDoubles()};
        }
    }

    @ParameterizedTest(name = "{0} batch {1} out {2} in {3} density {4}")
    @MethodSource("cases")
    void matchesReference(Layout layout, int batch, int out, int in, double density) {
        SparseFixture f = new SparseFixture(layout, batch, out, in, density, Parity.freshSeed());
        double[][] expected = products(Parity.reference(), f);
        double[][] scale = products(Parity.reference(), f.magnitudes());
        String[] names = {"forward", "backwardInput", "backwardWeight", "backwardWeight beta 0.5"};
        int[] lengths = {in + 1, out + 1, batch, batch + 1};
        List<double[][]> got = new ArrayList<>();
        for (Backend be : Parity.candidates()) {
            double[][] actual = products(be, f);
            got.add(actual);
            for (int i = 0; i < names.length; i++) {
                assertWithin(names[i] + " " + f.describe() + " on " + be.description(), expected[i], actual[i],
                        scale[i], Parity.tolerance(lengths[i]));
            }
        }
        for (int i = 0; i < names.length; i++) {
            assertArrayEquals(got.get(0)[i], got.get(1)[i], names[i] + " differs between thread counts: "
                    + f.describe());
        }
    }

    /**
     * {@code |actual − expected| ≤ tol · scale} per element, scale being the sum of the magnitudes of the terms (see
     * {@link SparseFixture#magnitudes()}): a relative bound that holds under cancellation, where a bound relative to
     * the result alone would not (an output of one active weight may be a small difference of large products).
     */
    private static void assertWithin(String what, double[] expected, double[] actual, double[] scale, double tol) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double bound = tol * scale[i] + Double.MIN_NORMAL;
            if (!(Math.abs(actual[i] - expected[i]) <= bound)) {
                throw new AssertionError(String.format("%s: element %d is %s but expected %s (bound %.3g)", what, i,
                        actual[i], expected[i], bound));
            }
        }
    }

    /** The compact arrays a backend builds, plus a gathered optimizer moment: {values, rowPtr, ..., perm, m}. */
    private static double[][] compactArrays(Backend be, SparseFixture f, float[] moment, int capacity) {
        try (TensorArena arena = be.newArena()) {
            SparseWeight w = SparseWeight.compact(arena, f.out, f.in, capacity);
            Tensor mask = arena.u8(f.out, f.in);
            mask.copyFrom(f.mask);
            Tensor mc = arena.f32(1, capacity);
            mc.copyFrom(filled(capacity, 9f));
            w.values().copyFrom(filled(capacity, 7f));
            be.sparse().compact(arena.f32(f.out, f.in, f.values), mask, f.nnz, w,
                    new Tensor[] {arena.f32(f.out, f.in, moment)}, new Tensor[] {mc});
            assertEquals(f.nnz, w.nnz());
            return new double[][] {w.values().toDoubles(), w.rowPtr().toDoubles(), w.colIdx().toDoubles(),
                w.colPtr().toDoubles(), w.rowIdx().toDoubles(), w.perm().toDoubles(), mc.toDoubles()};
        }
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void compactBuildsTheSameIndexAsTheReference() {
        for (int[] s : new int[][] {{1, 1}, {7, 31}, {257, 31}, {70, 300}, {1000, 7}}) {
            for (double d : DENSITIES) {
                long seed = Parity.freshSeed();
                SparseFixture f = new SparseFixture(Layout.COMPACT, 1, s[0], s[1], d, seed);
                float[] moment = SparseFixture.grid(new SplittableRandom(seed + 1), s[0] * s[1]);
                int capacity = Math.min(s[0] * s[1], f.nnz + 5);
                double[][] expected = compactArrays(Parity.reference(), f, moment, Math.max(1, capacity));
                String[] names = {"values", "rowPtr", "colIdx", "colPtr", "rowIdx", "perm", "moment"};
                for (Backend be : Parity.candidates()) {
                    double[][] actual = compactArrays(be, f, moment, Math.max(1, capacity));
                    for (int i = 0; i < names.length; i++) {
                        Parity.assertExact("compact " + names[i] + " " + f.describe() + " on " + be.description(),
                                expected[i], actual[i]);
                    }
                    for (int p = f.nnz; p < actual[0].length; p++) {
                        assertEquals(0.0, actual[0][p], "unused tail of values must be zero: " + f.describe());
                        assertEquals(0.0, actual[6][p], "unused tail of the moment must be zero: " + f.describe());
                    }
                    assertColumnIndexConsistent(actual, f);
                }
            }
        }
    }

    /** perm maps each CSC entry to the CSR entry with the same row and column; columns list rows ascending. */
    private static void assertColumnIndexConsistent(double[][] a, SparseFixture f) {
        double[] rowPtr = a[1];
        double[] colIdx = a[2];
        double[] colPtr = a[3];
        double[] rowIdx = a[4];
        double[] perm = a[5];
        for (int c = 0; c < f.in; c++) {
            for (int q = (int) colPtr[c]; q < (int) colPtr[c + 1]; q++) {
                int p = (int) perm[q];
                int r = (int) rowIdx[q];
                assertEquals(c, (int) colIdx[p], "perm points at another column: " + f.describe());
                assertTrue(p >= rowPtr[r] && p < rowPtr[r + 1], "perm points at another row: " + f.describe());
                assertTrue(q == colPtr[c] || rowIdx[q - 1] < r, "rows not ascending in column " + c);
            }
        }
    }

    @Test
    void expandInvertsCompact() {
        long seed = Parity.freshSeed();
        SparseFixture f = new SparseFixture(Layout.COMPACT, 1, 130, 257, 0.3, seed);
        float[] moment = SparseFixture.grid(new SplittableRandom(seed + 1), f.out * f.in);
        float[] maskedMoment = moment.clone();
        for (int i = 0; i < moment.length; i++) {
            maskedMoment[i] = f.mask[i] != 0 ? moment[i] : 0f;
        }
        for (Backend be : Parity.candidates()) {
            try (TensorArena arena = be.newArena()) {
                SparseWeight w = SparseWeight.compact(arena, f.out, f.in, f.nnz);
                Tensor mask = arena.u8(f.out, f.in);
                mask.copyFrom(f.mask);
                Tensor mc = arena.f32(1, f.nnz);
                be.sparse().compact(arena.f32(f.out, f.in, f.values), mask, f.nnz, w,
                        new Tensor[] {arena.f32(f.out, f.in, moment)}, new Tensor[] {mc});
                Tensor values = arena.f32(f.out, f.in, filled(f.out * f.in, 3f));
                Tensor mask2 = arena.u8(f.out, f.in);
                Tensor md = arena.f32(f.out, f.in, filled(f.out * f.in, 5f));
                be.sparse().expand(w, values, mask2, new Tensor[] {mc}, new Tensor[] {md});
                String what = "expand " + f.describe() + " on " + be.description();
                assertArrayEquals(f.values, values.toFloats(), what);
                assertArrayEquals(f.mask, mask2.toBytes(), what);
                assertArrayEquals(maskedMoment, md.toFloats(), what);
            }
        }
    }

    @Test
    void compactRejectsAWrongActiveCount() {
        SparseFixture f = new SparseFixture(Layout.COMPACT, 1, 40, 50, 0.2, Parity.freshSeed());
        for (Backend be : Parity.candidates()) {
            try (TensorArena arena = be.newArena()) {
                SparseWeight w = SparseWeight.compact(arena, f.out, f.in, f.nnz + 1);
                Tensor mask = arena.u8(f.out, f.in);
                mask.copyFrom(f.mask);
                Tensor values = arena.f32(f.out, f.in, f.values);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> be.sparse().compact(values, mask, f.nnz + 1, w, null, null));
                assertTrue(e.getMessage().startsWith("sparse.compact"), e.getMessage());
                assertTrue(e.getMessage().contains(String.valueOf(f.nnz)), e.getMessage());
            }
        }
    }

    @Test
    void rejectsBadShapesNamingTheOp() {
        for (Backend be : Parity.candidates()) {
            try (TensorArena arena = be.newArena()) {
                SparseWeight w = SparseWeight.masked(arena, 6, 5);
                Tensor x = arena.f32(4, 5);
                expectRejected("sparse.forward", () -> be.sparse().forward(arena.f32(4, 6), w, null, arena.f32(4, 6)));
                expectRejected("sparse.forward", () -> be.sparse().forward(x, w, arena.f32(1, 5), arena.f32(4, 6)));
                expectRejected("sparse.backwardInput",
                        () -> be.sparse().backwardInput(arena.f32(4, 6), w, 0f, arena.f32(4, 6)));
                expectRejected("sparse.backwardWeight",
                        () -> be.sparse().backwardWeight(arena.f32(4, 6), x, w, 0f, arena.f32(5, 6)));
                expectRejected("sparse.compact", () -> be.sparse().compact(arena.f32(6, 5), arena.u8(6, 5), 0, w,
                        null, null));
            }
        }
    }

    private static void expectRejected(String op, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().startsWith(op), "message should name " + op + ": " + e.getMessage());
    }
}
