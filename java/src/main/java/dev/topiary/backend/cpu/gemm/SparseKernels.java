package dev.topiary.backend.cpu.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Inner loops of the compact (CSR/CSC) layer, on feature-major activations: {@code xt[f·stride + b]} holds sample b
 * of feature f, so one feature over a tile of the batch is a contiguous run of vectors. The activations live in
 * 64-byte aligned native memory: a vector load that straddles two cache lines (as one from a {@code float[]}, whose
 * data starts 16 bytes into a line, does) costs half as much again on this access pattern.
 *
 * <ul>
 *   <li>{@link #rowTimesSlab} / {@link #rowTimesSlab4Until}: one output feature over a batch tile,
 *       {@code Σ_p w_p · xt[col_p]}: per non-zero one broadcast weight times {@link #TILE_VECTORS} contiguous vectors,
 *       accumulators in registers (SpMM: the forward pass through CSR, dX through CSC).</li>
 *   <li>{@link #dotRow16} / {@link #dot}: one non-zero's weight gradient over the batch,
 *       {@code Σ_b dyt[r][b] · xt[c][b]} (SDDMM), reduced across lanes in a fixed order so the result never depends
 *       on how the JIT compiled it.</li>
 * </ul>
 *
 * <p>Napkin math: the SpMM feeds each FMA with one vector load ({@link #TILE_VECTORS} loads and FMAs, two scalar loads
 * and a broadcast per non-zero and tile), so it runs at the rate the slab of activations can be read; the callers
 * block the input features so the slab (up to 1024 features × 64 samples, 256 KiB) stays in L2.
 * The SDDMM keeps dY's row in 16 registers and reads 16 vectors of X per non-zero, then folds once.
 */
final class SparseKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * Vectors of the batch handled per register tile: 64 samples, i.e. 8 AVX2 vectors (8 accumulators, a broadcast
     * and a load fit the 16 ymm registers) or 4 AVX-512 ones. The index and weight loads of a non-zero are shared by
     * the whole tile, so a wider tile spends fewer of the load slots that bound this loop on them.
     */
    static final int TILE_VECTORS = L == 8 ? 8 : 4;
    /** Batch samples per tile. */
    static final int TILE = TILE_VECTORS * L;
    private static final VectorShuffle<Float>[] FOLD = folds();
    private static final VectorShuffle<Float> F8 = FOLD[0];
    private static final VectorShuffle<Float> F4 = FOLD.length > 1 ? FOLD[1] : FOLD[0];
    private static final VectorShuffle<Float> F2 = FOLD.length > 2 ? FOLD[2] : FOLD[0];
    private static final VectorShuffle<Float> F1 = FOLD.length > 3 ? FOLD[3] : FOLD[0];
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final long VB = (long) L * Float.BYTES;

    private SparseKernels() {
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] folds() {
        int steps = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] f = new VectorShuffle[steps];
        for (int s = 0; s < steps; s++) {
            int h = L >> (s + 1);
            f[s] = VectorShuffle.fromOp(S, l -> (l + h) % L);
        }
        return f;
    }

    /**
     * {@code out[o + j] = init + Σ_{p ∈ [p0, p1)} w[widx(p)] · xt[idx[p]·stride + t0 + j]} for j in [0, vectors·L),
     * summed in order of p; {@code o}, {@code stride} and {@code t0} count floats. {@code perm} (nullable) maps p to
     * the weight's position (CSC → CSR).
     */
    static void rowTimesSlab(MemorySegment w, MemorySegment perm, MemorySegment idx, int p0, int p1,
                                    MemorySegment xt, long stride, long t0, int vectors, float init,
                                    MemorySegment out, long o) {
        if (vectors == TILE_VECTORS) {
            rowTimesTileUntil(w, perm, idx, p0, p1, Integer.MAX_VALUE, xt, stride, t0, true, init, out, o);
            return;
        }
        for (int v = 0; v < vectors; v++) {
            FloatVector acc = FloatVector.broadcast(S, init);
            for (int p = p0; p < p1; p++) {
                float wp = w.getAtIndex(JAVA_FLOAT, perm == null ? p : perm.getAtIndex(JAVA_INT, p));
                long at = (idx.getAtIndex(JAVA_INT, p) * stride + t0 + (long) v * L) * Float.BYTES;
                acc = load(xt, at).fma(FloatVector.broadcast(S, wp), acc);
            }
            acc.intoMemorySegment(out, (o + (long) v * L) * Float.BYTES, NATIVE);
        }
    }

    private static FloatVector row(float[] a, int offset) {
        return FloatVector.fromArray(S, a, offset);
    }

    private static FloatVector load(MemorySegment seg, long byteOffset) {
        return FloatVector.fromMemorySegment(S, seg, byteOffset, NATIVE);
    }

    /**
     * The register tile of {@link #TILE_VECTORS} vectors: {@link #rowTimesSlab8Until} (AVX2) or
     * {@link #rowTimesSlab4Until}.
     */
    static int rowTimesTileUntil(MemorySegment w, MemorySegment perm, MemorySegment idx, int p0, int p1,
                                 int idxEnd, MemorySegment xt, long stride, long t0, boolean first, float init,
                                 MemorySegment out, long o) {
        return TILE_VECTORS == 8
                ? rowTimesSlab8Until(w, perm, idx, p0, p1, idxEnd, xt, stride, t0, first, init, out, o)
                : rowTimesSlab4Until(w, perm, idx, p0, p1, idxEnd, xt, stride, t0, first, init, out, o);
    }

    /**
     * {@link #rowTimesSlab4Until} over 8 vectors: the same float operations per output, in the same order. Each
     * non-zero's run of activations is read through a slice of constant size: one bounds check per non-zero, and
     * the loads at constant offsets into it need none, where eight loads at computed offsets into the whole slab
     * paid one check each (measured on Zen 3: 4.1 against 5.0 ns per non-zero and tile).
     */
    static int rowTimesSlab8Until(MemorySegment w, MemorySegment perm, MemorySegment idx, int p0, int p1,
                                  int idxEnd, MemorySegment xt, long stride, long t0, boolean first,
                                  float init, MemorySegment out, long o) {
        long at = o * Float.BYTES;
        FloatVector a0, a1, a2, a3, a4, a5, a6, a7;
        if (first) {
            a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = FloatVector.broadcast(S, init);
        } else {
            a0 = load(out, at);
            a1 = load(out, at + VB);
            a2 = load(out, at + 2 * VB);
            a3 = load(out, at + 3 * VB);
            a4 = load(out, at + 4 * VB);
            a5 = load(out, at + 5 * VB);
            a6 = load(out, at + 6 * VB);
            a7 = load(out, at + 7 * VB);
        }
        int p = p0;
        for (; p < p1; p++) {
            int f = idx.getAtIndex(JAVA_INT, p);
            if (f >= idxEnd) {
                break;
            }
            FloatVector wp = FloatVector.broadcast(S,
                    w.getAtIndex(JAVA_FLOAT, perm == null ? p : perm.getAtIndex(JAVA_INT, p)));
            MemorySegment x = xt.asSlice((f * stride + t0) * Float.BYTES, 8 * VB);
            a0 = load(x, 0).fma(wp, a0);
            a1 = load(x, VB).fma(wp, a1);
            a2 = load(x, 2 * VB).fma(wp, a2);
            a3 = load(x, 3 * VB).fma(wp, a3);
            a4 = load(x, 4 * VB).fma(wp, a4);
            a5 = load(x, 5 * VB).fma(wp, a5);
            a6 = load(x, 6 * VB).fma(wp, a6);
            a7 = load(x, 7 * VB).fma(wp, a7);
        }
        a0.intoMemorySegment(out, at, NATIVE);
        a1.intoMemorySegment(out, at + VB, NATIVE);
        a2.intoMemorySegment(out, at + 2 * VB, NATIVE);
        a3.intoMemorySegment(out, at + 3 * VB, NATIVE);
        a4.intoMemorySegment(out, at + 4 * VB, NATIVE);
        a5.intoMemorySegment(out, at + 5 * VB, NATIVE);
        a6.intoMemorySegment(out, at + 6 * VB, NATIVE);
        a7.intoMemorySegment(out, at + 7 * VB, NATIVE);
        return p;
    }

    /**
     * The 4-vector register tile of {@link #rowTimesSlab} over the non-zeros from {@code p0} whose index is below
     * {@code idxEnd} (indices ascend within a row, so they form a prefix of [p0, p1)); returns where it stopped.
     * With {@code first} the accumulators start at {@code init}, otherwise at the partial sums already in
     * {@code out}, so a row may be processed in several column blocks with exactly the float operations of one pass.
     */
    static int rowTimesSlab4Until(MemorySegment w, MemorySegment perm, MemorySegment idx, int p0, int p1,
                                         int idxEnd, MemorySegment xt, long stride, long t0, boolean first,
                                         float init, MemorySegment out, long o) {
        long at = o * Float.BYTES;
        FloatVector a0, a1, a2, a3;
        if (first) {
            a0 = a1 = a2 = a3 = FloatVector.broadcast(S, init);
        } else {
            a0 = load(out, at);
            a1 = load(out, at + VB);
            a2 = load(out, at + 2 * VB);
            a3 = load(out, at + 3 * VB);
        }
        int p = p0;
        for (; p < p1; p++) {
            int f = idx.getAtIndex(JAVA_INT, p);
            if (f >= idxEnd) {
                break;
            }
            FloatVector wp = FloatVector.broadcast(S,
                    w.getAtIndex(JAVA_FLOAT, perm == null ? p : perm.getAtIndex(JAVA_INT, p)));
            MemorySegment x = xt.asSlice((f * stride + t0) * Float.BYTES, 4 * VB);
            a0 = load(x, 0).fma(wp, a0);
            a1 = load(x, VB).fma(wp, a1);
            a2 = load(x, 2 * VB).fma(wp, a2);
            a3 = load(x, 3 * VB).fma(wp, a3);
        }
        a0.intoMemorySegment(out, at, NATIVE);
        a1.intoMemorySegment(out, at + VB, NATIVE);
        a2.intoMemorySegment(out, at + 2 * VB, NATIVE);
        a3.intoMemorySegment(out, at + 3 * VB, NATIVE);
        return p;
    }

    /**
     * {@code Σ_j a[ao + j] · b[bo + j]} for j in [0, vectors·L) (offsets in floats; a is a gradient row as in
     * {@link #dotRow16}): lane-wise products accumulated over the vectors in order, then the lanes folded in half
     * repeatedly (lane l plus lane l + L/2, ...), a fixed order.
     */
    static float dot(float[] a, int ao, float[] b, int bo, int vectors) {
        FloatVector acc = FloatVector.zero(S);
        for (int v = 0; v < vectors; v++) {
            acc = row(a, ao + v * L).fma(row(b, bo + v * L), acc);
        }
        return fold(acc);
    }

    /** Vectors of the batch one {@link #dotRow16} call keeps in registers. */
    static final int ROW_VECTORS = 16;

    /**
     * The weight gradient of one row's non-zeros from {@code p0} whose input index is below {@code idxEnd} (a prefix
     * of [p0, p1), indices ascending) over the batch samples [t0, t0 + 16·L):
     * {@code sums[p − p0] = Σ_b dyt[row + t0 + b] · xt[idx[p]·stride + t0 + b]}; returns where it stopped. The row's
     * 16 gradient vectors stay in registers, so each non-zero costs 16 loads, 16 FMAs into 4 chains, and one lane
     * fold. Both operands are float[]: array loads cost C2 fewer IR nodes than segment loads, which keeps this
     * method within its inlining budget (beyond it the vectors would be boxed, 5× slower).
     */
    static int dotRow16(float[] dyt, int row, MemorySegment idx, int p0, int p1, int idxEnd, float[] xt,
                               int stride, int t0, float[] sums) {
        if (L != 16) {
            int p = p0;
            for (; p < p1 && idx.getAtIndex(JAVA_INT, p) < idxEnd; p++) {
                sums[p - p0] = dot(dyt, row + t0, xt, idx.getAtIndex(JAVA_INT, p) * stride + t0, ROW_VECTORS);
            }
            return p;
        }
        int r = row + t0;
        FloatVector d0 = row(dyt, r), d1 = row(dyt, r + L), d2 = row(dyt, r + 2 * L), d3 = row(dyt, r + 3 * L),
                d4 = row(dyt, r + 4 * L), d5 = row(dyt, r + 5 * L), d6 = row(dyt, r + 6 * L),
                d7 = row(dyt, r + 7 * L), d8 = row(dyt, r + 8 * L), d9 = row(dyt, r + 9 * L),
                d10 = row(dyt, r + 10 * L), d11 = row(dyt, r + 11 * L), d12 = row(dyt, r + 12 * L),
                d13 = row(dyt, r + 13 * L), d14 = row(dyt, r + 14 * L), d15 = row(dyt, r + 15 * L);
        int p = p0;
        for (; p < p1; p++) {
            int f = idx.getAtIndex(JAVA_INT, p);
            if (f >= idxEnd) {
                break;
            }
            int x = f * stride + t0;
            FloatVector a0 = row(xt, x).mul(d0), a1 = row(xt, x + L).mul(d1);
            FloatVector a2 = row(xt, x + 2 * L).mul(d2), a3 = row(xt, x + 3 * L).mul(d3);
            a0 = row(xt, x + 4 * L).fma(d4, a0);
            a1 = row(xt, x + 5 * L).fma(d5, a1);
            a2 = row(xt, x + 6 * L).fma(d6, a2);
            a3 = row(xt, x + 7 * L).fma(d7, a3);
            a0 = row(xt, x + 8 * L).fma(d8, a0);
            a1 = row(xt, x + 9 * L).fma(d9, a1);
            a2 = row(xt, x + 10 * L).fma(d10, a2);
            a3 = row(xt, x + 11 * L).fma(d11, a3);
            a0 = row(xt, x + 12 * L).fma(d12, a0);
            a1 = row(xt, x + 13 * L).fma(d13, a1);
            a2 = row(xt, x + 14 * L).fma(d14, a2);
            a3 = row(xt, x + 15 * L).fma(d15, a3);
            // fold(), written out: a call here would exceed C2's inlining budget and box the vector.
            FloatVector v = a0.add(a1).add(a2.add(a3));
            v = v.add(v.rearrange(F8));
            v = v.add(v.rearrange(F4));
            v = v.add(v.rearrange(F2));
            sums[p - p0] = v.add(v.rearrange(F1)).lane(0);
        }
        return p;
    }

    /** Sum of the lanes in a fixed order: halves added pairwise until one lane is left. */
    static float fold(FloatVector v) {
        if (L == 16) {
            v = v.add(v.rearrange(F8));
            v = v.add(v.rearrange(F4));
            v = v.add(v.rearrange(F2));
            return v.add(v.rearrange(F1)).lane(0);
        }
        for (VectorShuffle<Float> f : FOLD) {
            v = v.add(v.rearrange(f));
        }
        return v.lane(0);
    }
}
