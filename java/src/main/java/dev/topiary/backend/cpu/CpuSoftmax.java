package dev.topiary.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import java.lang.foreign.MemorySegment;

import static dev.topiary.backend.cpu.CpuReductions.BLOCK;
import static dev.topiary.backend.cpu.CpuVec.L;
import static dev.topiary.backend.cpu.CpuVec.NO;
import static dev.topiary.backend.cpu.CpuVec.S;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

/**
 * Row kernels of softmax, log-softmax, their gradients and cross-entropy: each works on one row
 * {@code [off, off + n)} and sums in the blocked order of {@link CpuReductions}.
 */
final class CpuSoftmax {
    private CpuSoftmax() {
    }

    /** Softmax (or log-softmax) of row x into row y, which may be x: max-subtracted, so large logits are safe. */
    static void row(MemorySegment x, MemorySegment y, long off, int n, boolean log) {
        float max = CpuReductions.max(x, off, n, false);
        if (log) {
            float logSum = (float) Math.log(expSum(x, null, off, n, max));
            shiftTwice(x, y, off, n, max, logSum);
        } else {
            float sum = (float) expSum(x, y, off, n, max);
            divide(y, off, n, sum);
        }
    }

    /**
     * Σ e^(x − shift) over the row (blocked float lanes: the terms are positive); when y is not null, e^(x − shift)
     * is also stored there. One call of exp per vector, the last one masked (see {@link CpuPointwise}).
     */
    static double expSum(MemorySegment x, MemorySegment y, long off, int n, float shift) {
        double total = 0;
        for (int b = 0; b < n; b += BLOCK) {
            int end = Math.min(n, b + BLOCK);
            FloatVector acc = FloatVector.zero(S);
            for (int k = b; k < end; k += L) {
                long p = (off + k) << 2;
                boolean full = k + L <= end;
                FloatVector v = full ? fromMemorySegment(S, x, p, NO)
                        : fromMemorySegment(S, x, p, NO, S.indexInRange(k, end));
                FloatVector e = CpuMath.exp(v.sub(shift));
                if (full) {
                    acc = acc.add(e);
                    if (y != null) {
                        e.intoMemorySegment(y, p, NO);
                    }
                } else {
                    acc = acc.add(e, S.indexInRange(k, end));
                    if (y != null) {
                        e.intoMemorySegment(y, p, NO, S.indexInRange(k, end));
                    }
                }
            }
            for (int l = 0; l < L; l++) {
                total += acc.lane(l);
            }
        }
        return total;
    }

    /** y = (x − a) − b, each subtraction rounded, so y keeps its precision even when a is huge. */
    private static void shiftTwice(MemorySegment x, MemorySegment y, long off, int n, float a, float b) {
        int k = 0;
        for (; k + L <= n; k += L) {
            long p = (off + k) << 2;
            fromMemorySegment(S, x, p, NO).sub(a).sub(b).intoMemorySegment(y, p, NO);
        }
        if (k < n) {
            VectorMask<Float> m = S.indexInRange(k, n);
            long p = (off + k) << 2;
            fromMemorySegment(S, x, p, NO, m).sub(a).sub(b).intoMemorySegment(y, p, NO, m);
        }
    }

    private static void divide(MemorySegment y, long off, int n, float d) {
        int k = 0;
        for (; k + L <= n; k += L) {
            long p = (off + k) << 2;
            fromMemorySegment(S, y, p, NO).div(d).intoMemorySegment(y, p, NO);
        }
        if (k < n) {
            VectorMask<Float> m = S.indexInRange(k, n);
            long p = (off + k) << 2;
            fromMemorySegment(S, y, p, NO, m).div(d).intoMemorySegment(y, p, NO, m);
        }
    }

    /**
     * Softmax gradient: dx = y ⊙ (dy − s) with s = Σ dy·y. dx may alias y or dy. When the softmax saturates, dy − s
     * cancels to almost nothing at the top entry, so s is summed in double and subtracted as two floats (high part,
     * then remainder): dy − s_hi is then exact, and the result keeps its digits.
     */
    static void backwardRow(MemorySegment y, MemorySegment dy, MemorySegment dx, long off, int n) {
        double s = CpuReductions.dot(dy, off, y, off, n);
        float sHi = (float) s;
        float sLo = (float) (s - sHi);
        int k = 0;
        for (; k + L <= n; k += L) {
            long p = (off + k) << 2;
            FloatVector g = fromMemorySegment(S, dy, p, NO).sub(sHi).sub(sLo);
            fromMemorySegment(S, y, p, NO).mul(g).intoMemorySegment(dx, p, NO);
        }
        if (k < n) {
            VectorMask<Float> m = S.indexInRange(k, n);
            long p = (off + k) << 2;
            FloatVector g = fromMemorySegment(S, dy, p, NO, m).sub(sHi).sub(sLo);
            fromMemorySegment(S, y, p, NO, m).mul(g).intoMemorySegment(dx, p, NO, m);
        }
    }

    /** Log-softmax gradient: dx = dy − e^y · Σ dy. dx may alias y or dy. */
    static void logBackwardRow(MemorySegment y, MemorySegment dy, MemorySegment dx, long off, int n) {
        FloatVector s = FloatVector.broadcast(S, (float) CpuReductions.sum(dy, off, n));
        for (int k = 0; k < n; k += L) {
            long p = (off + k) << 2;
            boolean full = k + L <= n;
            FloatVector yv = full ? fromMemorySegment(S, y, p, NO)
                    : fromMemorySegment(S, y, p, NO, S.indexInRange(k, n));
            FloatVector dyv = full ? fromMemorySegment(S, dy, p, NO)
                    : fromMemorySegment(S, dy, p, NO, S.indexInRange(k, n));
            FloatVector r = CpuMath.exp(yv).neg().fma(s, dyv);
            if (full) {
                r.intoMemorySegment(dx, p, NO);
            } else {
                r.intoMemorySegment(dx, p, NO, S.indexInRange(k, n));
            }
        }
    }

    /** Σ t·(x − shift) over the row, blocked: the target-weighted log-probabilities before the log-sum. */
    static double dotShifted(MemorySegment t, MemorySegment x, long off, int n, float shift) {
        double total = 0;
        for (int b = 0; b < n; b += BLOCK) {
            int end = Math.min(n, b + BLOCK);
            FloatVector acc = FloatVector.zero(S);
            int k = b;
            for (; k + L <= end; k += L) {
                long p = (off + k) << 2;
                FloatVector c = fromMemorySegment(S, x, p, NO).sub(shift);
                acc = c.fma(fromMemorySegment(S, t, p, NO), acc);
            }
            double s = 0;
            for (int l = 0; l < L; l++) {
                s += acc.lane(l);
            }
            for (; k < end; k++) {
                s += (double) t.getAtIndex(CpuVec.F, off + k) * (x.getAtIndex(CpuVec.F, off + k) - shift);
            }
            total += s;
        }
        return total;
    }

    /**
     * Cross-entropy gradient of one row: g = scale · (e^(x − shift) · ratio − t), with ratio = Σt / Σe^(x − shift).
     * g may alias x.
     */
    static void crossEntropyGradRow(MemorySegment x, MemorySegment t, MemorySegment g, long off, int n, float shift,
                                    float ratio, float scale) {
        for (int k = 0; k < n; k += L) {
            long p = (off + k) << 2;
            boolean full = k + L <= n;
            FloatVector xv = full ? fromMemorySegment(S, x, p, NO)
                    : fromMemorySegment(S, x, p, NO, S.indexInRange(k, n));
            FloatVector tv = full ? fromMemorySegment(S, t, p, NO)
                    : fromMemorySegment(S, t, p, NO, S.indexInRange(k, n));
            FloatVector r = CpuMath.exp(xv.sub(shift)).mul(ratio).sub(tv).mul(scale);
            if (full) {
                r.intoMemorySegment(g, p, NO);
            } else {
                r.intoMemorySegment(g, p, NO, S.indexInRange(k, n));
            }
        }
    }
}
