package dev.topiary.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import java.lang.foreign.MemorySegment;

import static dev.topiary.backend.cpu.CpuVec.L;
import static dev.topiary.backend.cpu.CpuVec.NO;
import static dev.topiary.backend.cpu.CpuVec.S;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

/**
 * Vector loops of the arithmetic element ops (binary with broadcasting, axpby, affine, clamp, fill), each over a
 * range of element indices with a masked last vector. Loops built only from the JDK's vector methods (always
 * inlined) run the whole vectors first and the tail after; loops that call a helper of ours use one call site for
 * every vector, as {@link CpuPointwise} explains.
 */
final class CpuArith {
    private CpuArith() {
    }

    /** Codes are the ordinals of {@code ElementOps.Binary}: ADD, SUB, MUL, DIV, MIN, MAX. */
    private static FloatVector binary(int code, FloatVector a, FloatVector b) {
        return switch (code) {
            case 0 -> a.add(b);
            case 1 -> a.sub(b);
            case 2 -> a.mul(b);
            case 3 -> a.div(b);
            case 4 -> a.min(b);
            case 5 -> a.max(b);
            default -> throw new IllegalArgumentException("unknown binary code " + code);
        };
    }

    /**
     * out[o + k] = a[ia + k] op b[ib + k] for k in [0, n). One call of {@link #binary} per vector, the last one
     * masked, so the JIT always inlines it (see {@link CpuPointwise}).
     */
    static void binary(int code, MemorySegment a, long ia, MemorySegment b, long ib, MemorySegment out, long o,
                       long n) {
        for (long k = 0; k < n; k += L) {
            boolean full = k + L <= n;
            long pa = (ia + k) << 2;
            long pb = (ib + k) << 2;
            FloatVector va = full ? fromMemorySegment(S, a, pa, NO)
                    : fromMemorySegment(S, a, pa, NO, S.indexInRange(k, n));
            FloatVector vb = full ? fromMemorySegment(S, b, pb, NO)
                    : fromMemorySegment(S, b, pb, NO, S.indexInRange(k, n));
            FloatVector r = binary(code, va, vb);
            if (full) {
                r.intoMemorySegment(out, (o + k) << 2, NO);
            } else {
                r.intoMemorySegment(out, (o + k) << 2, NO, S.indexInRange(k, n));
            }
        }
    }

    /** out[o + k] = a[ia + k] op b for k in [0, n). */
    static void binaryScalar(int code, MemorySegment a, long ia, float b, MemorySegment out, long o, long n) {
        FloatVector vb = FloatVector.broadcast(S, b);
        for (long k = 0; k < n; k += L) {
            boolean full = k + L <= n;
            long pa = (ia + k) << 2;
            FloatVector va = full ? fromMemorySegment(S, a, pa, NO)
                    : fromMemorySegment(S, a, pa, NO, S.indexInRange(k, n));
            FloatVector r = binary(code, va, vb);
            if (full) {
                r.intoMemorySegment(out, (o + k) << 2, NO);
            } else {
                r.intoMemorySegment(out, (o + k) << 2, NO, S.indexInRange(k, n));
            }
        }
    }

    /** out = alpha·x + beta·y over [lo, hi), the beta term rounded first and the alpha term fused in. */
    static void axpby(float alpha, MemorySegment x, float beta, MemorySegment y, MemorySegment out, long lo,
                      long hi) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        long i = lo;
        for (long end = hi - L; i <= end; i += L) {
            FloatVector vy = fromMemorySegment(S, y, i << 2, NO).mul(beta);
            fromMemorySegment(S, x, i << 2, NO).fma(va, vy).intoMemorySegment(out, i << 2, NO);
        }
        if (i < hi) {
            VectorMask<Float> m = S.indexInRange(i, hi);
            FloatVector vy = fromMemorySegment(S, y, i << 2, NO, m).mul(beta);
            fromMemorySegment(S, x, i << 2, NO, m).fma(va, vy).intoMemorySegment(out, i << 2, NO, m);
        }
    }

    /** out = scale·x + shift over [lo, hi), fused. */
    static void affine(MemorySegment x, float scale, float shift, MemorySegment out, long lo, long hi) {
        long i = lo;
        for (long end = hi - L; i <= end; i += L) {
            fromMemorySegment(S, x, i << 2, NO).fma(scale, shift).intoMemorySegment(out, i << 2, NO);
        }
        if (i < hi) {
            VectorMask<Float> m = S.indexInRange(i, hi);
            fromMemorySegment(S, x, i << 2, NO, m).fma(scale, shift).intoMemorySegment(out, i << 2, NO, m);
        }
    }

    /** out = min(max(x, lo), hi) over [from, to); NaN stays NaN. */
    static void clamp(MemorySegment x, float lo, float hi, MemorySegment out, long from, long to) {
        long i = from;
        for (long end = to - L; i <= end; i += L) {
            fromMemorySegment(S, x, i << 2, NO).max(lo).min(hi).intoMemorySegment(out, i << 2, NO);
        }
        if (i < to) {
            VectorMask<Float> m = S.indexInRange(i, to);
            fromMemorySegment(S, x, i << 2, NO, m).max(lo).min(hi).intoMemorySegment(out, i << 2, NO, m);
        }
    }

    /** t = value over [lo, hi). */
    static void fill(MemorySegment t, float value, long lo, long hi) {
        FloatVector v = FloatVector.broadcast(S, value);
        long i = lo;
        for (long end = hi - L; i <= end; i += L) {
            v.intoMemorySegment(t, i << 2, NO);
        }
        if (i < hi) {
            v.intoMemorySegment(t, i << 2, NO, S.indexInRange(i, hi));
        }
    }
}
