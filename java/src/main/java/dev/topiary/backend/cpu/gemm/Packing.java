package dev.topiary.backend.cpu.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Copies operands into the contiguous panels the micro-kernel reads, zero-padded to whole panels so that the kernel
 * never needs an edge case (padding only ever meets padding, so valid outputs are unaffected).
 *
 * <ul>
 *   <li>A (m × k after its transpose) becomes panels of {@link MicroKernel#MR} rows: element (row r of panel p, k
 *       index kk) sits at {@code p·MR·k + kk·MR + r}, so the kernel reads MR values per step of k.</li>
 *   <li>A block of B (rows [pc, pc+kc) of op(B), a range of columns) becomes panels of {@link MicroKernel#NR}
 *       columns: element (kk, column c of panel jp) sits at {@code jp·kc·NR + kk·NR + c}.</li>
 * </ul>
 * Transposed layouts go through the in-register {@link Transpose} (16×16 blocks on AVX-512, 8×8 on AVX2), so they
 * pack at close to copy speed.
 */
final class Packing {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int MR = MicroKernel.MR;
    private static final int NR = MicroKernel.NR;
    /** MR floats: one step of k of a packed A panel. */
    private static final VectorSpecies<Float> SA = VectorSpecies.of(float.class, VectorShape.forBitSize(MR * 32));
    /** Rows of the in-register transposition that packs two A panels at once (0: none on this vector width). */
    private static final int PAIR = Transpose.FAST ? Transpose.B : Transpose.FAST8 ? 8 : 0;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private Packing() {
    }

    /**
     * Packs A panels [p0, p1). {@code ta}: A is stored k × m (op(A) = Aᵀ), else m × k. {@code tmp} and
     * {@code blk} hold 256 floats each.
     */
    static void packA(boolean ta, MemorySegment a, int m, int k, int p0, int p1, float[] dst, float[] tmp,
                      float[] blk) {
        for (int p = p0; p < p1; p++) {
            int rows = Math.min(MR, m - p * MR);
            int base = p * MR * k;
            if (ta) {
                packARowMajorK(a, m, k, p * MR, rows, dst, base);
            } else if (PAIR == 2 * MR && rows == MR && p + 1 < p1 && m - (p + 1) * MR >= MR) {
                packAPair(a, k, p * MR, dst, base, tmp, blk);
                p++;
            } else {
                Transpose.blockScalar(a, (long) p * MR * k, k, rows, k, dst, base, MR);
                zeroRows(dst, base, k, MR, rows);
            }
        }
    }

    /** A stored k × m: the panel's MR values for each kk are contiguous in memory. */
    private static void packARowMajorK(MemorySegment a, int m, int k, int i0, int rows, float[] dst, int base) {
        if (rows == MR) {
            for (int kk = 0; kk < k; kk++) {
                FloatVector.fromMemorySegment(SA, a, ((long) kk * m + i0) * Float.BYTES, NATIVE)
                        .intoArray(dst, base + kk * MR);
            }
            return;
        }
        VectorMask<Float> valid = SA.indexInRange(0, rows);
        for (int kk = 0; kk < k; kk++) {
            FloatVector.fromMemorySegment(SA, a, ((long) kk * m + i0) * Float.BYTES, NATIVE, valid)
                    .intoArray(dst, base + kk * MR);
        }
    }

    /**
     * A stored m × k, two full panels ({@link #PAIR} rows) at once: in-register transposes of PAIR × PAIR blocks
     * (16 on AVX-512, 8 on AVX2), each split into the two panels.
     */
    private static void packAPair(MemorySegment a, int k, int i0, float[] dst, int base, float[] tmp,
                                  float[] blk) {
        int second = base + MR * k;
        int kk = 0;
        for (; kk + PAIR <= k; kk += PAIR) {
            if (PAIR == Transpose.B) {
                Transpose.block16(a, (long) i0 * k + kk, k, tmp, blk, 0, Transpose.B);
            } else {
                Transpose.block8(a, (long) i0 * k + kk, k, tmp, blk, 0, Transpose.B);
            }
            for (int j = 0; j < PAIR; j++) {
                FloatVector.fromArray(SA, blk, j * Transpose.B).intoArray(dst, base + (kk + j) * MR);
                FloatVector.fromArray(SA, blk, j * Transpose.B + MR).intoArray(dst, second + (kk + j) * MR);
            }
        }
        Transpose.blockScalar(a, (long) i0 * k + kk, k, MR, k - kk, dst, base + kk * MR, MR);
        Transpose.blockScalar(a, (long) (i0 + MR) * k + kk, k, MR, k - kk, dst, second + kk * MR, MR);
    }

    /** Zeroes rows [rows, height) of a panel with {@code steps} steps of {@code height} floats. */
    private static void zeroRows(float[] dst, int base, int steps, int height, int rows) {
        if (rows == height) {
            return;
        }
        for (int s = 0; s < steps; s++) {
            Arrays.fill(dst, base + s * height + rows, base + (s + 1) * height, 0f);
        }
    }

    /**
     * Packs rows [pc, pc+kc) and columns [j0, j1) of op(B) (k × n) into panels; {@code j0} is a multiple of NR.
     * {@code tb}: B is stored n × k (op(B) = Bᵀ), else k × n. {@code tmp} holds 256 floats.
     */
    static void packB(boolean tb, MemorySegment b, int n, int k, int pc, int kc, int j0, int j1, float[] dst,
                      float[] tmp) {
        int panels = (j1 - j0 + NR - 1) / NR;
        for (int jp = 0; jp < panels; jp++) {
            int base = jp * kc * NR;
            for (int v = 0; v < NR / L; v++) {
                int col = j0 + jp * NR + v * L;
                if (tb) {
                    packBTransposed(b, n, k, pc, kc, col, dst, base + v * L, tmp);
                } else {
                    packBRows(b, n, pc, kc, col, dst, base + v * L);
                }
            }
        }
    }

    /** B stored k × n: each step of k is a contiguous run of L columns. */
    private static void packBRows(MemorySegment b, int n, int pc, int kc, int col, float[] dst, int base) {
        if (col + L <= n) {
            for (int kk = 0; kk < kc; kk++) {
                FloatVector.fromMemorySegment(S, b, ((long) (pc + kk) * n + col) * Float.BYTES, NATIVE)
                        .intoArray(dst, base + kk * NR);
            }
            return;
        }
        VectorMask<Float> valid = S.indexInRange(col, n);
        for (int kk = 0; kk < kc; kk++) {
            FloatVector.fromMemorySegment(S, b, ((long) (pc + kk) * n + col) * Float.BYTES, NATIVE, valid)
                    .intoArray(dst, base + kk * NR);
        }
    }

    /** B stored n × k: L rows of B become L columns of the panel, 16×16 blocks at a time. */
    private static void packBTransposed(MemorySegment b, int n, int k, int pc, int kc, int col, float[] dst,
                                        int base, float[] tmp) {
        int rows = Math.max(0, Math.min(L, n - col));
        int kk = 0;
        if (Transpose.FAST && rows == L) {
            for (; kk + Transpose.B <= kc; kk += Transpose.B) {
                Transpose.block16(b, (long) col * k + pc + kk, k, tmp, dst, base + kk * NR, NR);
            }
        } else if (Transpose.FAST8 && rows == L) {
            for (; kk + L <= kc; kk += L) {
                Transpose.block8(b, (long) col * k + pc + kk, k, tmp, dst, base + kk * NR, NR);
            }
        }
        Transpose.blockScalar(b, (long) col * k + pc + kk, k, rows, kc - kk, dst, base + kk * NR, NR);
        if (rows < L) {
            for (int s = 0; s < kc; s++) {
                Arrays.fill(dst, base + s * NR + rows, base + s * NR + L, 0f);
            }
        }
    }
}
