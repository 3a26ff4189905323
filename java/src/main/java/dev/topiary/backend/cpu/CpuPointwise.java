package dev.topiary.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static dev.topiary.backend.cpu.CpuVec.L;
import static dev.topiary.backend.cpu.CpuVec.NO;
import static dev.topiary.backend.cpu.CpuVec.S;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

/**
 * Elementwise vector loops over element ranges [lo, hi) of a flat tensor, shared by the element and NN families.
 *
 * <p>How the loops are shaped, for the JIT: a vector that crosses a call the JIT did not inline is boxed (a heap
 * allocation per vector), so every loop calls its function from exactly one place, and the last, partial vector
 * takes the same path with a masked load and store (a separate tail call site is cold, and the JIT declines to
 * inline a large function there). Every element thus goes through the same arithmetic wherever it sits. Cheap
 * functions share one loop with a switch on an int code (the switch keeps each Vector API operator a compile-time
 * constant, which the JIT needs to emit vector instructions); each transcendental function has a loop of its own,
 * because inlined together they exceed the JIT's inlining budget.
 */
final class CpuPointwise {
    static final int NEG = 0;
    static final int ABS = 1;
    static final int SQUARE = 2;
    static final int SQRT = 3;
    static final int SIGN = 4;
    static final int RELU = 5;

    /** A loop over the range [lo, hi) of one input and one output. */
    interface Map {
        void run(MemorySegment x, MemorySegment y, long lo, long hi);
    }

    /** A loop over [lo, hi) computing dx from the forward input x, the forward output y and dy. */
    interface Derivative {
        void run(MemorySegment x, MemorySegment y, MemorySegment dy, MemorySegment dx, long lo, long hi);
    }

    private CpuPointwise() {
    }

    private static FloatVector cheap(int code, FloatVector v) {
        return switch (code) {
            case NEG -> v.neg();
            case ABS -> v.abs();
            case SQUARE -> v.mul(v);
            case SQRT -> v.sqrt();
            // sign: 1 or −1, and v itself for ±0 and NaN.
            case SIGN -> v.blend(1f, v.compare(VectorOperators.GT, 0f)).blend(-1f, v.lt(0f));
            case RELU -> v.max(0f);
            default -> throw new IllegalArgumentException("unknown elementwise code " + code);
        };
    }

    static void cheap(int code, MemorySegment x, MemorySegment y, long lo, long hi) {
        for (long i = lo; i < hi; i += L) {
            long p = i << 2;
            boolean full = i + L <= hi;
            FloatVector v = full ? fromMemorySegment(S, x, p, NO)
                    : fromMemorySegment(S, x, p, NO, S.indexInRange(i, hi));
            FloatVector r = cheap(code, v);
            if (full) {
                r.intoMemorySegment(y, p, NO);
            } else {
                r.intoMemorySegment(y, p, NO, S.indexInRange(i, hi));
            }
        }
    }

    static void exp(MemorySegment x, MemorySegment y, long lo, long hi) {
        for (long i = lo; i < hi; i += L) {
            long p = i << 2;
            boolean full = i + L <= hi;
            FloatVector v = full ? fromMemorySegment(S, x, p, NO)
                    : fromMemorySegment(S, x, p, NO, S.indexInRange(i, hi));
            FloatVector r = CpuMath.exp(v);
            if (full) {
                r.intoMemorySegment(y, p, NO);
            } else {
                r.intoMemorySegment(y, p, NO, S.indexInRange(i, hi));
            }
        }
    }

    static void log(MemorySegment x, MemorySegment y, long lo, long hi) {
        for (long i = lo; i < hi; i += L) {
            long p = i << 2;
            boolean full = i + L <= hi;
            FloatVector v = full ? fromMemorySegment(S, x, p, NO)
                    : fromMemorySegment(S, x, p, NO, S.indexInRange(i, hi));
            FloatVector r = CpuMath.log(v);
            if (full) {
                r.intoMemorySegment(y, p, NO);
            } else {
                r.intoMemorySegment(y, p, NO, S.indexInRange(i, hi));
            }
        }
    }

    /** sign(x)·ln(1 + |x|). */
    static void symlog(MemorySegment x, MemorySegment y, long lo, long hi) {
        for (long i = lo; i < hi; i += L) {
            long p = i << 2;
            boolean full = i + L <= hi;
            FloatVector v = full ? fromMemorySegment(S, x, p, NO)
                    : fromMemorySegment(S, x, p, NO, S.indexInRange(i, hi));
            FloatVector r = CpuMath.symlog(v);
            if (full) {
                r.intoMemorySegment(y, p, NO);
            } else {
                r.intoMemorySegment(y, p, NO, S.indexInRange(i, hi));
            }
        }
    }

    /** sign(x)·(e^|x| − 1). */
    static void symexp(MemorySegment x, MemorySegment y, long lo, long hi) {
        for (long i = lo; i < hi; i += L) {
            long p = i << 2;
            boolean full = i + L <= hi;
            FloatVector v = full ? fromMemorySegment(S, x, p, NO)
                    : fromMemorySegment(S, x, p, NO, S.indexInRange(i, hi));
            FloatVector r = CpuMath.symexp(v);
            if (full) {
                r.intoMemorySegment(y, p, NO);
            } else {
                r.intoMemorySegment(y, p, NO, S.indexInRange(i, hi));
            }
        }
    }

    /** ELU with α = 1: x above 0, e^x − 1 at or below. */
    static void elu(MemorySegment x, MemorySegment y, long lo, long hi) {
        for (long i = lo; i < hi; i += L) {
            long p = i << 2;
            boolean full = i + L <= hi;
            FloatVector v = full ? fromMemorySegment(S, x, p, NO)
                    : fromMemorySegment(S, x, p, NO, S.indexInRange(i, hi));
            FloatVector r = CpuMath.expm1(v).blend(v, v.compare(VectorOperators.GT, 0f));
            if (full) {
                r.intoMemorySegment(y, p, NO);
            } else {
                r.intoMemorySegment(y, p, NO, S.indexInRange(i, hi));
            }
        }
    }

    static void tanh(MemorySegment x, MemorySegment y, long lo, long hi) {
        for (long i = lo; i < hi; i += L) {
            long p = i << 2;
            boolean full = i + L <= hi;
            FloatVector v = full ? fromMemorySegment(S, x, p, NO)
                    : fromMemorySegment(S, x, p, NO, S.indexInRange(i, hi));
            FloatVector r = CpuMath.tanh(v);
            if (full) {
                r.intoMemorySegment(y, p, NO);
            } else {
                r.intoMemorySegment(y, p, NO, S.indexInRange(i, hi));
            }
        }
    }

    static void softplus(MemorySegment x, MemorySegment y, long lo, long hi) {
        for (long i = lo; i < hi; i += L) {
            long p = i << 2;
            boolean full = i + L <= hi;
            FloatVector v = full ? fromMemorySegment(S, x, p, NO)
                    : fromMemorySegment(S, x, p, NO, S.indexInRange(i, hi));
            FloatVector r = CpuMath.softplus(v);
            if (full) {
                r.intoMemorySegment(y, p, NO);
            } else {
                r.intoMemorySegment(y, p, NO, S.indexInRange(i, hi));
            }
        }
    }

    /** ReLU': dy where x > 0, else exactly 0. */
    static void reluBackward(MemorySegment x, MemorySegment y, MemorySegment dy, MemorySegment dx, long lo, long hi) {
        for (long i = lo; i < hi; i += L) {
            long p = i << 2;
            boolean full = i + L <= hi;
            FloatVector xv = full ? fromMemorySegment(S, x, p, NO)
                    : fromMemorySegment(S, x, p, NO, S.indexInRange(i, hi));
            FloatVector dyv = full ? fromMemorySegment(S, dy, p, NO)
                    : fromMemorySegment(S, dy, p, NO, S.indexInRange(i, hi));
            FloatVector r = dyv.blend(0f, xv.compare(VectorOperators.GT, 0f).not());
            if (full) {
                r.intoMemorySegment(dx, p, NO);
            } else {
                r.intoMemorySegment(dx, p, NO, S.indexInRange(i, hi));
            }
        }
    }

    /** ELU': 1 above 0, e^x = y + 1 at or below. */
    static void eluBackward(MemorySegment x, MemorySegment y, MemorySegment dy, MemorySegment dx, long lo, long hi) {
        for (long i = lo; i < hi; i += L) {
            long p = i << 2;
            boolean full = i + L <= hi;
            FloatVector xv = full ? fromMemorySegment(S, x, p, NO)
                    : fromMemorySegment(S, x, p, NO, S.indexInRange(i, hi));
            FloatVector yv = full ? fromMemorySegment(S, y, p, NO)
                    : fromMemorySegment(S, y, p, NO, S.indexInRange(i, hi));
            FloatVector dyv = full ? fromMemorySegment(S, dy, p, NO)
                    : fromMemorySegment(S, dy, p, NO, S.indexInRange(i, hi));
            FloatVector r = dyv.mul(yv.add(1f).blend(1f, xv.compare(VectorOperators.GT, 0f)));
            if (full) {
                r.intoMemorySegment(dx, p, NO);
            } else {
                r.intoMemorySegment(dx, p, NO, S.indexInRange(i, hi));
            }
        }
    }

    /** tanh' = 1 − y², formed with one rounding. */
    static void tanhBackward(MemorySegment x, MemorySegment y, MemorySegment dy, MemorySegment dx, long lo, long hi) {
        for (long i = lo; i < hi; i += L) {
            long p = i << 2;
            boolean full = i + L <= hi;
            FloatVector yv = full ? fromMemorySegment(S, y, p, NO)
                    : fromMemorySegment(S, y, p, NO, S.indexInRange(i, hi));
            FloatVector dyv = full ? fromMemorySegment(S, dy, p, NO)
                    : fromMemorySegment(S, dy, p, NO, S.indexInRange(i, hi));
            FloatVector r = dyv.mul(yv.neg().fma(yv, FloatVector.broadcast(S, 1f)));
            if (full) {
                r.intoMemorySegment(dx, p, NO);
            } else {
                r.intoMemorySegment(dx, p, NO, S.indexInRange(i, hi));
            }
        }
    }

    /** softplus' = sigmoid(x). */
    static void softplusBackward(MemorySegment x, MemorySegment y, MemorySegment dy, MemorySegment dx, long lo,
                                 long hi) {
        for (long i = lo; i < hi; i += L) {
            long p = i << 2;
            boolean full = i + L <= hi;
            FloatVector xv = full ? fromMemorySegment(S, x, p, NO)
                    : fromMemorySegment(S, x, p, NO, S.indexInRange(i, hi));
            FloatVector dyv = full ? fromMemorySegment(S, dy, p, NO)
                    : fromMemorySegment(S, dy, p, NO, S.indexInRange(i, hi));
            FloatVector r = dyv.mul(CpuMath.sigmoid(xv));
            if (full) {
                r.intoMemorySegment(dx, p, NO);
            } else {
                r.intoMemorySegment(dx, p, NO, S.indexInRange(i, hi));
            }
        }
    }
}
