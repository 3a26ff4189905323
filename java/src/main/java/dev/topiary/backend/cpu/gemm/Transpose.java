package dev.topiary.backend.cpu.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Matrix transposition for packing and for the feature-major copies of the sparse kernels. With 16 float lanes
 * (AVX-512) a 16×16 block is transposed in registers: four stages, each swapping half-blocks of size 8, 4, 2, 1
 * between pairs of rows with one lane permutation and one blend per output row. With 8 lanes (AVX2) {@link #rowsInto}
 * does the same in three stages on 8×8 blocks ({@link #block8}). Other vector widths use a scalar loop. Sources are
 * {@link MemorySegment}s (tensors or scratch); {@link #block16} writes {@code float[]} scratch (the packed GEMM
 * panels) and {@link #rowsInto} writes a segment through such a block. Offsets and strides count floats.
 */
final class Transpose {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** True when the in-register 16×16 transposition is available. */
    static final boolean FAST = S.length() == 16;
    /** True when {@link #rowsInto} transposes its 16×16 blocks as four 8×8 blocks in registers (AVX2). */
    static final boolean FAST8 = S.length() == 8;
    /** Edge of the square block {@link #block16} transposes. */
    static final int B = 16;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private static final VectorShuffle<Float> UP0 = up(8), UP1 = up(4), UP2 = up(2), UP3 = up(1);
    private static final VectorShuffle<Float> DN0 = down(8), DN1 = down(4), DN2 = down(2), DN3 = down(1);
    private static final VectorMask<Float> MH0 = bit(8, true), MH1 = bit(4, true), MH2 = bit(2, true),
            MH3 = bit(1, true);
    private static final VectorMask<Float> ML0 = bit(8, false), ML1 = bit(4, false), ML2 = bit(2, false),
            ML3 = bit(1, false);

    private Transpose() {
    }

    /** Lane l with bit h set takes lane l − h. */
    private static VectorShuffle<Float> up(int h) {
        return VectorShuffle.fromOp(S, l -> (l & h) != 0 ? l - h : l);
    }

    /** Lane l with bit h clear takes lane l + h. */
    private static VectorShuffle<Float> down(int h) {
        return VectorShuffle.fromOp(S, l -> (l & h) == 0 ? l + h : l);
    }

    private static VectorMask<Float> bit(int h, boolean set) {
        boolean[] bits = new boolean[S.length()];
        for (int l = 0; l < bits.length; l++) {
            bits[l] = ((l & h) != 0) == set;
        }
        return VectorMask.fromArray(S, bits, 0);
    }

    private static FloatVector row(MemorySegment seg, long off) {
        return FloatVector.fromMemorySegment(S, seg, off * Float.BYTES, NATIVE);
    }

    /** Upper row of a swap: keeps a's lanes with bit h clear, takes b's lower half-block where bit h is set. */
    private static FloatVector lo(FloatVector a, FloatVector b, VectorShuffle<Float> up, VectorMask<Float> set) {
        return a.blend(b.rearrange(up), set);
    }

    /** Lower row of a swap: keeps b's lanes with bit h set, takes a's upper half-block where bit h is clear. */
    private static FloatVector hi(FloatVector a, FloatVector b, VectorShuffle<Float> down, VectorMask<Float> clear) {
        return b.blend(a.rearrange(down), clear);
    }

    /**
     * {@code dst[dOff + j·dStride + i] = src[off + i·stride + j]} for i, j in [0, 16). Needs {@link #FAST};
     * {@code tmp} holds 256 floats. Rows {i, i+4, i+8, i+12} meet only each other in the first two stages, and rows
     * {4g .. 4g+3} only each other in the last two, so the work runs in groups of four rows: small methods that
     * C2 compiles with every vector in a register (one method doing all 16 rows exceeds its inlining budget and
     * falls back to boxed vectors, 10× slower).
     */
    static void block16(MemorySegment seg, long off, long stride, float[] tmp, float[] dst, int dOff,
                               int dStride) {
        for (int i = 0; i < 4; i++) {
            firstStages(seg, off + i * stride, 4 * stride, tmp, i);
        }
        for (int g = 0; g < B; g += 4) {
            lastStages(tmp, g, dst, dOff + g * dStride, dStride);
        }
    }

    /**
     * The 8×8 form of {@link #block16} for 8 lanes: {@code dst[dOff + j·dStride + i] = src[off + i·stride + j]} for
     * i, j in [0, 8). The first stage (4-lane half-blocks between rows i and i+4) goes through tmp rows of
     * {@link #B} floats; the last two are {@link #lastStages}, on 8 lanes.
     */
    static void block8(MemorySegment seg, long off, long stride, float[] tmp, float[] dst, int dOff, int dStride) {
        firstStage8(seg, off, stride, tmp);
        lastStages(tmp, 0, dst, dOff, dStride);
        lastStages(tmp, 4, dst, dOff + 4 * dStride, dStride);
    }

    /**
     * {@link #block8} straight into a segment ({@code dst[dOff + j·dStride + i] = src[off + i·stride + j]}, offsets
     * in floats): a transposition that overwrites its target needs no staging block.
     */
    static void block8Into(MemorySegment seg, long off, long stride, float[] tmp, MemorySegment dst, long dOff,
                           long dStride) {
        firstStage8(seg, off, stride, tmp);
        lastStagesInto(tmp, 0, dst, dOff, dStride);
        lastStagesInto(tmp, 4, dst, dOff + 4 * dStride, dStride);
    }

    /** The first stage of an 8×8 block: 4-lane half-blocks swapped between source rows i and i+4, into tmp rows. */
    private static void firstStage8(MemorySegment seg, long off, long stride, float[] tmp) {
        for (int i = 0; i < 4; i++) {
            FloatVector r0 = row(seg, off + i * stride), r4 = row(seg, off + (i + 4) * stride);
            lo(r0, r4, UP1, MH1).intoArray(tmp, i * B);
            hi(r0, r4, DN1, ML1).intoArray(tmp, (i + 4) * B);
        }
    }

    /** {@link #lastStages} writing to a segment. */
    private static void lastStagesInto(float[] tmp, int g, MemorySegment dst, long dOff, long dStride) {
        FloatVector b0 = FloatVector.fromArray(S, tmp, g * B), b1 = FloatVector.fromArray(S, tmp, (g + 1) * B),
                b2 = FloatVector.fromArray(S, tmp, (g + 2) * B), b3 = FloatVector.fromArray(S, tmp, (g + 3) * B);
        FloatVector c0 = lo(b0, b2, UP2, MH2), c2 = hi(b0, b2, DN2, ML2);
        FloatVector c1 = lo(b1, b3, UP2, MH2), c3 = hi(b1, b3, DN2, ML2);
        long at = dOff * Float.BYTES;
        long step = dStride * Float.BYTES;
        lo(c0, c1, UP3, MH3).intoMemorySegment(dst, at, NATIVE);
        hi(c0, c1, DN3, ML3).intoMemorySegment(dst, at + step, NATIVE);
        lo(c2, c3, UP3, MH3).intoMemorySegment(dst, at + 2 * step, NATIVE);
        hi(c2, c3, DN3, ML3).intoMemorySegment(dst, at + 3 * step, NATIVE);
    }

    /** Swaps 8-lane then 4-lane half-blocks among source rows i, i+4, i+8, i+12; writes them to tmp rows. */
    private static void firstStages(MemorySegment seg, long off, long step, float[] tmp, int i) {
        FloatVector r0 = row(seg, off), r4 = row(seg, off + step), r8 = row(seg, off + 2 * step),
                r12 = row(seg, off + 3 * step);
        FloatVector a0 = lo(r0, r8, UP0, MH0), a8 = hi(r0, r8, DN0, ML0);
        FloatVector a4 = lo(r4, r12, UP0, MH0), a12 = hi(r4, r12, DN0, ML0);
        lo(a0, a4, UP1, MH1).intoArray(tmp, i * B);
        hi(a0, a4, DN1, ML1).intoArray(tmp, (i + 4) * B);
        lo(a8, a12, UP1, MH1).intoArray(tmp, (i + 8) * B);
        hi(a8, a12, DN1, ML1).intoArray(tmp, (i + 12) * B);
    }

    /** Swaps 2-lane then 1-lane half-blocks among tmp rows g .. g+3; writes the transposed rows to dst. */
    private static void lastStages(float[] tmp, int g, float[] dst, int dOff, int dStride) {
        FloatVector b0 = FloatVector.fromArray(S, tmp, g * B), b1 = FloatVector.fromArray(S, tmp, (g + 1) * B),
                b2 = FloatVector.fromArray(S, tmp, (g + 2) * B), b3 = FloatVector.fromArray(S, tmp, (g + 3) * B);
        FloatVector c0 = lo(b0, b2, UP2, MH2), c2 = hi(b0, b2, DN2, ML2);
        FloatVector c1 = lo(b1, b3, UP2, MH2), c3 = hi(b1, b3, DN2, ML2);
        lo(c0, c1, UP3, MH3).intoArray(dst, dOff);
        hi(c0, c1, DN3, ML3).intoArray(dst, dOff + dStride);
        lo(c2, c3, UP3, MH3).intoArray(dst, dOff + 2 * dStride);
        hi(c2, c3, DN3, ML3).intoArray(dst, dOff + 3 * dStride);
    }

    /**
     * {@code dst[dOff + j·dStride + i] = src[off + i·stride + j]} for i < rows, j < cols, in scalar code: the edges
     * of a matrix, and every block when {@link #FAST} is false.
     */
    static void blockScalar(MemorySegment seg, long off, long stride, int rows, int cols, float[] dst,
                                   int dOff, int dStride) {
        for (int i = 0; i < rows; i++) {
            long src = off + i * stride;
            for (int j = 0; j < cols; j++) {
                dst[dOff + j * dStride + i] = seg.getAtIndex(JAVA_FLOAT, src + j);
            }
        }
    }

    /**
     * Transposes rows [r0, r1) × columns [c0, c1) of a row-major source with row stride {@code stride} into the
     * tensor {@code dst} with {@code dstCols} columns: {@code dst[c·dstCols + r] = src[r·stride + c] + beta·dst[..]}
     * (dst unread when beta is 0). {@code tmp} and {@code blk} hold 256 floats each.
     */
    static void rowsInto(MemorySegment seg, long stride, int c0, int c1, int r0, int r1, float[] tmp, float[] blk,
                         MemorySegment dst, int dstCols, float beta) {
        for (int r = r0; r < r1; r += B) {
            int h = Math.min(B, r1 - r);
            for (int c = c0; c < c1; c += B) {
                int w = Math.min(B, c1 - c);
                if (FAST && h == B && w == B) {
                    block16(seg, r * stride + c, stride, tmp, blk, 0, B);
                } else if (FAST8 && h == B && w == B && beta == 0f) {
                    long at = r * stride + c;
                    long to = (long) c * dstCols + r;
                    block8Into(seg, at, stride, tmp, dst, to, dstCols);
                    block8Into(seg, at + 8, stride, tmp, dst, to + 8L * dstCols, dstCols);
                    block8Into(seg, at + 8 * stride, stride, tmp, dst, to + 8, dstCols);
                    block8Into(seg, at + 8 * stride + 8, stride, tmp, dst, to + 8L * dstCols + 8, dstCols);
                    continue;
                } else if (FAST8 && h == B && w == B) {
                    long at = r * stride + c;
                    block8(seg, at, stride, tmp, blk, 0, B);
                    block8(seg, at + 8, stride, tmp, blk, 8 * B, B);
                    block8(seg, at + 8 * stride, stride, tmp, blk, 8, B);
                    block8(seg, at + 8 * stride + 8, stride, tmp, blk, 8 * B + 8, B);
                } else {
                    blockScalar(seg, r * stride + c, stride, h, w, blk, 0, B);
                }
                for (int j = 0; j < w; j++) {
                    mergeRow(blk, j * B, h, dst, (long) (c + j) * dstCols + r, beta);
                }
            }
        }
    }

    /** {@code dst[at .. at+len) = blk[off ..] + beta·dst[..]}, len ≤ 16. */
    private static void mergeRow(float[] blk, int off, int len, MemorySegment dst, long at, float beta) {
        if (len % S.length() == 0) {
            for (int i = 0; i < len; i += S.length()) {
                FloatVector v = FloatVector.fromArray(S, blk, off + i);
                long b = (at + i) * Float.BYTES;
                if (beta != 0f) {
                    v = v.add(FloatVector.fromMemorySegment(S, dst, b, NATIVE).mul(beta));
                }
                v.intoMemorySegment(dst, b, NATIVE);
            }
            return;
        }
        for (int i = 0; i < len; i++) {
            float v = blk[off + i];
            if (beta != 0f) {
                v += dst.getAtIndex(JAVA_FLOAT, at + i) * beta;
            }
            dst.setAtIndex(JAVA_FLOAT, at + i, v);
        }
    }
}
