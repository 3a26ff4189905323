package dev.topiary.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import java.lang.foreign.MemorySegment;

import static dev.topiary.backend.cpu.CpuReductions.BLOCK;
import static dev.topiary.backend.cpu.CpuVec.F;
import static dev.topiary.backend.cpu.CpuVec.L;
import static dev.topiary.backend.cpu.CpuVec.NO;
import static dev.topiary.backend.cpu.CpuVec.S;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;
import static jdk.incubator.vector.VectorOperators.F2D;

/**
 * Row kernels of LayerNorm. Row statistics are summed as {@link CpuReductions} describes; gamma/beta gradients
 * accumulate per block of {@link CpuReductions#COL_BLOCK_ROWS} rows into double partials that the caller combines
 * in block order.
 */
final class CpuLayerNorm {
    private CpuLayerNorm() {
    }

    /**
     * Normalises row {@code r} of x (n columns) into y, which may be x, and saves its mean and rstd. The mean is
     * kept as a float m plus a small correction c = μ − m, so that (x − m) − c stays accurate when the mean is large
     * next to the spread.
     */
    static void forwardRow(MemorySegment x, MemorySegment gamma, MemorySegment beta, float eps, MemorySegment y,
                           MemorySegment mean, MemorySegment rstd, int r, int n) {
        long off = (long) r * n;
        double mu = CpuReductions.sum(x, off, n) / n;
        float m = (float) mu;
        double c = mu - m;
        // Σ(x − m)² = Σ(x − μ)² + n·c², so the biased variance is Σ(x − m)²/n − c².
        double var = Math.max(0.0, CpuReductions.squaredDeviation(x, off, n, m) / n - c * c);
        float rs = (float) (1.0 / Math.sqrt(var + eps));
        normalize(x, gamma, beta, y, off, n, m, (float) c, rs);
        mean.setAtIndex(F, r, m);
        rstd.setAtIndex(F, r, rs);
    }

    private static void normalize(MemorySegment x, MemorySegment gamma, MemorySegment beta, MemorySegment y,
                                  long off, int n, float m, float c, float rs) {
        int k = 0;
        for (; k + L <= n; k += L) {
            long p = (off + k) << 2;
            FloatVector h = fromMemorySegment(S, x, p, NO).sub(m).sub(c).mul(rs);
            if (gamma != null) {
                h = h.fma(fromMemorySegment(S, gamma, (long) k << 2, NO),
                        fromMemorySegment(S, beta, (long) k << 2, NO));
            }
            h.intoMemorySegment(y, p, NO);
        }
        if (k < n) {
            VectorMask<Float> mk = S.indexInRange(k, n);
            long p = (off + k) << 2;
            FloatVector h = fromMemorySegment(S, x, p, NO, mk).sub(m).sub(c).mul(rs);
            if (gamma != null) {
                h = h.fma(fromMemorySegment(S, gamma, (long) k << 2, NO, mk),
                        fromMemorySegment(S, beta, (long) k << 2, NO, mk));
            }
            h.intoMemorySegment(y, p, NO, mk);
        }
    }

    /** Σ g over row {@code off}, with g = dy ⊙ gamma (or dy without gamma), blocked. */
    static double sumG(MemorySegment dy, MemorySegment gamma, long off, int n) {
        return gamma == null ? CpuReductions.sum(dy, off, n) : CpuReductions.dot(dy, off, gamma, 0, n);
    }

    /** Σ g·(x − m) over row {@code off}, with g = dy ⊙ gamma (or dy without gamma), blocked. */
    static double sumGCentered(MemorySegment dy, MemorySegment gamma, MemorySegment x, long off, int n, float m) {
        double total = 0;
        for (int b = 0; b < n; b += BLOCK) {
            int end = Math.min(n, b + BLOCK);
            FloatVector acc = FloatVector.zero(S);
            int k = b;
            for (; k + L <= end; k += L) {
                long p = (off + k) << 2;
                FloatVector g = fromMemorySegment(S, dy, p, NO);
                if (gamma != null) {
                    g = g.mul(fromMemorySegment(S, gamma, (long) k << 2, NO));
                }
                acc = fromMemorySegment(S, x, p, NO).sub(m).fma(g, acc);
            }
            double s = 0;
            for (int l = 0; l < L; l++) {
                s += acc.lane(l);
            }
            for (; k < end; k++) {
                float g = dy.getAtIndex(F, off + k) * (gamma == null ? 1f : gamma.getAtIndex(F, k));
                s += (double) g * (x.getAtIndex(F, off + k) - m);
            }
            total += s;
        }
        return total;
    }

    /** Adds dy·x̂ and dy of row {@code off} into the double partials at {@code base} (n entries each). */
    static void accumulateAffine(MemorySegment dy, MemorySegment x, long off, int n, float m, float rs,
                                 double[] gammaPartial, double[] betaPartial, int base) {
        int half = CpuReductions.D.length();
        int k = 0;
        for (; k + L <= n; k += L) {
            long p = (off + k) << 2;
            FloatVector d = fromMemorySegment(S, dy, p, NO);
            FloatVector xh = fromMemorySegment(S, x, p, NO).sub(m).mul(rs);
            DoubleVector dLo = (DoubleVector) d.convertShape(F2D, CpuReductions.D, 0);
            DoubleVector dHi = (DoubleVector) d.convertShape(F2D, CpuReductions.D, 1);
            int i = base + k;
            dLo.fma(xh.convertShape(F2D, CpuReductions.D, 0),
                    DoubleVector.fromArray(CpuReductions.D, gammaPartial, i)).intoArray(gammaPartial, i);
            dHi.fma(xh.convertShape(F2D, CpuReductions.D, 1),
                    DoubleVector.fromArray(CpuReductions.D, gammaPartial, i + half)).intoArray(gammaPartial, i + half);
            dLo.add(DoubleVector.fromArray(CpuReductions.D, betaPartial, i)).intoArray(betaPartial, i);
            dHi.add(DoubleVector.fromArray(CpuReductions.D, betaPartial, i + half)).intoArray(betaPartial, i + half);
        }
        for (; k < n; k++) {
            float d = dy.getAtIndex(F, off + k);
            float xh = (x.getAtIndex(F, off + k) - m) * rs;
            gammaPartial[base + k] += (double) d * xh;
            betaPartial[base + k] += d;
        }
    }

    /** dx = rstd · (g − a − x̂·b) for row {@code off}, with x̂ = (x − m)·rstd; dx may alias dy. */
    static void writeDx(MemorySegment dy, MemorySegment gamma, MemorySegment x, MemorySegment dx, long off, int n,
                        float m, float rs, float a, float b) {
        int k = 0;
        for (; k + L <= n; k += L) {
            long p = (off + k) << 2;
            FloatVector g = fromMemorySegment(S, dy, p, NO);
            if (gamma != null) {
                g = g.mul(fromMemorySegment(S, gamma, (long) k << 2, NO));
            }
            FloatVector xh = fromMemorySegment(S, x, p, NO).sub(m).mul(rs);
            xh.neg().fma(FloatVector.broadcast(S, b), g.sub(a)).mul(rs).intoMemorySegment(dx, p, NO);
        }
        if (k < n) {
            VectorMask<Float> mk = S.indexInRange(k, n);
            long p = (off + k) << 2;
            FloatVector g = fromMemorySegment(S, dy, p, NO, mk);
            if (gamma != null) {
                g = g.mul(fromMemorySegment(S, gamma, (long) k << 2, NO, mk));
            }
            FloatVector xh = fromMemorySegment(S, x, p, NO, mk).sub(m).mul(rs);
            xh.neg().fma(FloatVector.broadcast(S, b), g.sub(a)).mul(rs).intoMemorySegment(dx, p, NO, mk);
        }
    }
}
