package dev.topiary.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static dev.topiary.backend.cpu.CpuVec.F;
import static jdk.incubator.vector.VectorOperators.F2D;
import static dev.topiary.backend.cpu.CpuVec.L;
import static dev.topiary.backend.cpu.CpuVec.NO;
import static dev.topiary.backend.cpu.CpuVec.S;

/**
 * Deterministic sums of float32 data. <b>The choice:</b> sums of raw tensor data ({@link #sum}, {@link #dot}, sums
 * of squares, {@link #squaredDeviation}, column sums) accumulate in double lanes: every float converts exactly and a
 * product of two floats is exact in double, so the error is that of a double sum, about 10⁻¹⁶ of Σ|terms|, whatever
 * the length and however much the terms cancel. Sums of computed terms (the exponentials of a softmax, loss terms,
 * the Σ g·(x − μ) of the LayerNorm gradient) add in float lanes over blocks of {@link #BLOCK} elements counted from
 * the start of the range, each block's lanes going into a double in lane order: those terms are non-negative, or
 * (LayerNorm) the sum only matters next to the size of its terms, so a few ulps of those is all the error there is.
 *
 * <p>Either way the association order is fixed by the range alone. Lanes are combined with {@code lane(i)} in
 * index order, never with {@code reduceLanes(ADD)}, whose order is unspecified and may differ between the
 * interpreter and compiled code. Column sums take blocks of {@link #COL_BLOCK_ROWS} rows, each block's partial in
 * its own slot, and combine the blocks in order.
 */
final class CpuReductions {
    /** Elements per block of a float-lane sum. */
    static final int BLOCK = 1024;
    /** Rows per block of a column sum. */
    static final int COL_BLOCK_ROWS = 32;
    /** Double lanes covering half a float vector. */
    static final VectorSpecies<Double> D = VectorSpecies.of(double.class, S.vectorShape());

    private CpuReductions() {
    }

    /** Σ x[off .. off+n), in double lanes. */
    static double sum(MemorySegment x, long off, long n) {
        DoubleVector lo = DoubleVector.zero(D);
        DoubleVector hi = lo;
        long k = 0;
        for (; k + L <= n; k += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, (off + k) << 2, NO);
            lo = lo.add(v.convertShape(F2D, D, 0));
            hi = hi.add(v.convertShape(F2D, D, 1));
        }
        double s = 0;
        for (int l = 0; l < D.length(); l++) {
            s += lo.lane(l) + hi.lane(l);
        }
        for (; k < n; k++) {
            s += x.getAtIndex(F, off + k);
        }
        return s;
    }

    /** Σ a[offA + k] · b[offB + k] for k in [0, n), in double lanes; with a = b it is a sum of squares. */
    static double dot(MemorySegment a, long offA, MemorySegment b, long offB, long n) {
        DoubleVector lo = DoubleVector.zero(D);
        DoubleVector hi = lo;
        long k = 0;
        for (; k + L <= n; k += L) {
            FloatVector va = FloatVector.fromMemorySegment(S, a, (offA + k) << 2, NO);
            FloatVector vb = FloatVector.fromMemorySegment(S, b, (offB + k) << 2, NO);
            lo = ((DoubleVector) va.convertShape(F2D, D, 0)).fma((DoubleVector) vb.convertShape(F2D, D, 0), lo);
            hi = ((DoubleVector) va.convertShape(F2D, D, 1)).fma((DoubleVector) vb.convertShape(F2D, D, 1), hi);
        }
        double s = 0;
        for (int l = 0; l < D.length(); l++) {
            s += lo.lane(l) + hi.lane(l);
        }
        for (; k < n; k++) {
            s += (double) a.getAtIndex(F, offA + k) * b.getAtIndex(F, offB + k);
        }
        return s;
    }

    /** Σ (x[off + k] − shift)² for k in [0, n), in double lanes: the spread about a mean, without cancellation. */
    static double squaredDeviation(MemorySegment x, long off, long n, float shift) {
        DoubleVector lo = DoubleVector.zero(D);
        DoubleVector hi = lo;
        DoubleVector c = DoubleVector.broadcast(D, shift);
        long k = 0;
        for (; k + L <= n; k += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, (off + k) << 2, NO);
            DoubleVector dl = ((DoubleVector) v.convertShape(F2D, D, 0)).sub(c);
            DoubleVector dh = ((DoubleVector) v.convertShape(F2D, D, 1)).sub(c);
            lo = dl.fma(dl, lo);
            hi = dh.fma(dh, hi);
        }
        double s = 0;
        for (int l = 0; l < D.length(); l++) {
            s += lo.lane(l) + hi.lane(l);
        }
        for (; k < n; k++) {
            double d = (double) x.getAtIndex(F, off + k) - shift;
            s += d * d;
        }
        return s;
    }

    /** max of x[off .. off+n) (−∞ when empty) or, with {@code abs}, max |x| (0 when empty); NaN wins. */
    static float max(MemorySegment x, long off, long n, boolean abs) {
        FloatVector acc = FloatVector.broadcast(S, abs ? 0f : Float.NEGATIVE_INFINITY);
        long k = 0;
        for (; k + L <= n; k += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, (off + k) << 2, NO);
            acc = acc.max(abs ? v.abs() : v);
        }
        float m = acc.reduceLanes(VectorOperators.MAX);
        for (; k < n; k++) {
            float v = x.getAtIndex(F, off + k);
            m = Math.max(m, abs ? Math.abs(v) : v);
        }
        return m;
    }

    /** min of x[off .. off+n); +∞ when empty; NaN wins. */
    static float min(MemorySegment x, long off, long n) {
        FloatVector acc = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
        long k = 0;
        for (; k + L <= n; k += L) {
            acc = acc.min(FloatVector.fromMemorySegment(S, x, (off + k) << 2, NO));
        }
        float m = acc.reduceLanes(VectorOperators.MIN);
        for (; k < n; k++) {
            m = Math.min(m, x.getAtIndex(F, off + k));
        }
        return m;
    }

    /** Number of {@link #COL_BLOCK_ROWS}-row blocks covering {@code rows}. */
    static int colBlocks(int rows) {
        return (rows + COL_BLOCK_ROWS - 1) / COL_BLOCK_ROWS;
    }

    /** Σ over blocks b in order of {@code partials[b·cols + c]}. */
    static double combineColumn(double[] partials, int blocks, int cols, int c) {
        double s = 0;
        for (int b = 0; b < blocks; b++) {
            s += partials[b * cols + c];
        }
        return s;
    }

    /** A scratch array of at least n floats: {@code a} itself when large enough. */
    static float[] ensure(float[] a, int n) {
        return a.length >= n ? a : new float[Math.max(n, a.length * 2)];
    }

    static double[] ensure(double[] a, int n) {
        return a.length >= n ? a : new double[Math.max(n, a.length * 2)];
    }
}
