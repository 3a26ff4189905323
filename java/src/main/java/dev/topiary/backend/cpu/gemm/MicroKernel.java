package dev.topiary.backend.cpu.gemm;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * The register tile: an {@code MR × NR} block of C ({@link #MR} rows × 2 vectors) accumulated over one k block from a
 * packed A panel and a packed B panel, then merged into C by {@link #store}.
 *
 * <p>The tile's height follows the register file. With 16 lanes (AVX-512: 32 vector registers) it is 8 rows: each
 * step of k issues 2 vector loads of B, 8 broadcasts of A and 16 FMAs into 16 independent accumulators; broadcasts
 * count as loads, so 10 loads feed 16 FMAs, within the 2 loads per cycle the core sustains (measured at 90–95 % of
 * the single-core FMA peak on Zen 4/5). Elsewhere (AVX2: 16 registers) it is 4 rows. C2 schedules every broadcast
 * of a step at the top of the loop body, so a tile of R rows needs 2R accumulators + 2 B vectors + R broadcasts:
 * 8 rows would need 26 registers, 6 rows 20 and 5 rows 17, and each spills one accumulator to the stack, whose
 * store-to-load round trip then sets the loop's pace (measured on Zen 3: 36–44 GFLOP/s per core for 5 and 6 rows).
 * 4 rows need 14, run at the FMA peak (95 GFLOP/s per core there) with the B panel in L2, and 8 accumulators still
 * cover the 4-cycle FMA latency on 2 FMA ports.
 */
final class MicroKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of the register tile: 8 with 32 vector registers (16 lanes, AVX-512), else 4 (see the class comment). */
    static final int MR = L >= 16 ? 8 : 4;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * L;
    /** Byte species as wide (in lanes) as the float species, for U8 masks. */
    private static final VectorSpecies<Byte> BS = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private MicroKernel() {
    }

    /** {@code tile[r·NR + c] = Σ_kk ap[ao + kk·MR + r] · bp[bo + kk·NR + c]} for kk in [0, kc), summed in order of kk. */
    static void multiply(float[] ap, int ao, float[] bp, int bo, int kc, float[] tile) {
        if (MR == 8) {
            multiply8(ap, ao, bp, bo, kc, tile);
        } else {
            multiply4(ap, ao, bp, bo, kc, tile);
        }
    }

    /** The 8-row tile, written out in full: the accumulators stay in registers only as named locals of one method. */
    private static void multiply8(float[] ap, int ao, float[] bp, int bo, int kc, float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int kk = 0; kk < kc; kk++, ao += 8, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector a = FloatVector.broadcast(S, ap[ao]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ao + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, ap[ao + 6]);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, ap[ao + 7]);
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
    }

    /** The 4-row tile for 16 vector registers, written out like {@link #multiply8}. */
    private static void multiply4(float[] ap, int ao, float[] bp, int bo, int kc, float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        for (int kk = 0; kk < kc; kk++, ao += 4, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector a = FloatVector.broadcast(S, ap[ao]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
    }

    /**
     * Merges the top-left {@code rows × cols} of a tile into C at (i0, j0), C having {@code ldc} columns. The first k
     * block writes {@code C = alpha·T⊙M + beta·C + bias} (C's old value unread when beta is 0); later blocks add
     * {@code alpha·T⊙M}. M is the optional U8 mask shaped like C (inactive entries get no product); bias is an
     * optional row vector of ldc floats.
     */
    static void store(float[] tile, int rows, int cols, MemorySegment c, int ldc, int i0, int j0, float alpha,
                      float beta, boolean first, MemorySegment bias, MemorySegment mask) {
        if (rows == MR && cols == NR && mask == null && (!first || (beta == 0f && bias == null))) {
            storeWhole(tile, c, ldc, i0, j0, alpha, !first);
            return;
        }
        for (int v = 0; v * L < cols; v++) {
            boolean full = cols - v * L >= L;
            VectorMask<Float> lanes = full ? S.maskAll(true) : S.indexInRange(v * L, cols);
            FloatVector b = null;
            if (first && bias != null) {
                b = FloatVector.fromMemorySegment(S, bias, (long) (j0 + v * L) * Float.BYTES, NATIVE, lanes);
            }
            for (int r = 0; r < rows; r++) {
                long at = (long) (i0 + r) * ldc + j0 + v * L;
                FloatVector x = FloatVector.fromArray(S, tile, r * NR + v * L).mul(alpha);
                if (mask != null) {
                    VectorMask<Float> on = ByteVector.fromMemorySegment(BS, mask, at, NATIVE, lanes.cast(BS))
                            .compare(VectorOperators.NE, 0).cast(S);
                    x = FloatVector.zero(S).blend(x, on);
                }
                if (!first) {
                    x = x.add(load(c, at, full, lanes));
                } else if (beta != 0f) {
                    x = x.add(load(c, at, full, lanes).mul(beta));
                }
                if (b != null) {
                    x = x.add(b);
                }
                if (full) {
                    x.intoMemorySegment(c, at * Float.BYTES, NATIVE);
                } else {
                    x.intoMemorySegment(c, at * Float.BYTES, NATIVE, lanes);
                }
            }
        }
    }

    /**
     * The common case of {@link #store} without its per-vector branches: a whole tile, no mask, and either a later k
     * block ({@code C += alpha·T}) or a first one that overwrites ({@code C = alpha·T}).
     */
    private static void storeWhole(float[] tile, MemorySegment c, int ldc, int i0, int j0, float alpha,
                                   boolean accumulate) {
        for (int r = 0; r < MR; r++) {
            long at = ((long) (i0 + r) * ldc + j0) * Float.BYTES;
            for (int v = 0; v < NR; v += L) {
                FloatVector x = FloatVector.fromArray(S, tile, r * NR + v).mul(alpha);
                long byteAt = at + (long) v * Float.BYTES;
                if (accumulate) {
                    x = x.add(FloatVector.fromMemorySegment(S, c, byteAt, NATIVE));
                }
                x.intoMemorySegment(c, byteAt, NATIVE);
            }
        }
    }

    private static FloatVector load(MemorySegment c, long at, boolean full, VectorMask<Float> lanes) {
        return full ? FloatVector.fromMemorySegment(S, c, at * Float.BYTES, NATIVE)
                : FloatVector.fromMemorySegment(S, c, at * Float.BYTES, NATIVE, lanes);
    }
}
