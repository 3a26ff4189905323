package dev.topiary.backend.cpu.gemm;

import dev.topiary.backend.SparseWeight;
import dev.topiary.backend.cpu.CpuPool;
import dev.topiary.backend.cpu.CpuTensor;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.IntConsumer;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The three products of a COMPACT layer on the CPU, around the kernels of {@link SparseKernels}: activations are
 * transposed to feature-major scratch, each output feature × batch tile is accumulated over its non-zeros, and the
 * result is transposed back (forward through CSR, dX through CSC); dW is one dot product per non-zero (SDDMM).
 *
 * <p>Tasks own blocks of output features (up to 256, fewer for narrow layers) and walk the input features in column
 * blocks, so the slab of activations a block reads stays in L2 while every row of the block uses it; each row
 * keeps a cursor into its sorted index list. Every output is one fixed sequence of float operations whatever the
 * blocks or the thread count (partial sums are stored and reloaded exactly), so results are thread-count independent.
 *
 * <p>One instance serves one backend, which runs one op at a time; scratch grows to the largest layer and is reused.
 */
public final class CompactLayer {
    private static final int L = FloatVector.SPECIES_PREFERRED.length();
    /**
     * Input features per column block of the SpMM: 1024 features × a 64-sample tile = 256 KiB, half of L2. Blocks
     * small enough for L1 (128 features) measured slower here: a row then has only a dozen non-zeros per block at
     * d = 0.1, and reloading and storing its partial sums costs more than the L2 reads they save (W = 1024, d = 0.1:
     * 3.6 ms unblocked against 4.2 ms in blocks of 128; W = 4096: 50–52 ms in blocks of 1024 or none, 68 ms in 256).
     */
    private static final int SLAB_FEATURES = 1024;
    /** Input features per column block of the SDDMM: 256 features × 256 samples = 256 KiB, within L2. */
    private static final int DOT_SLAB_FEATURES = 256;
    private static final int MAX_ROWS_PER_TASK = 256;
    /** Transposition bands: multiples of the 16×16 block. */
    private static final int BAND = 64;
    private static final long SERIAL_BELOW = 1L << 16;

    private final CpuPool pool;
    private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);
    // Feature-major scratch: features × stride floats; the batch, rounded up to whole vectors, is lanes wide.
    private final Native in = new Native();
    private final Native out = new Native();
    private final Heap gradRows = new Heap();
    private final Heap inputRows = new Heap();

    // The current call, read by the tasks.
    private SparseWeight w;
    private int batch;
    private int stride;
    private int lanes;
    private float beta;
    private MemorySegment src;
    private MemorySegment dst;
    private MemorySegment bias;
    private MemorySegment target;
    private int features;
    private int rowsPerTask;
    private final IntConsumer transposeIn = this::transposeInTask;
    private final IntConsumer csrTask = t -> productTask(t, false);
    private final IntConsumer cscTask = t -> productTask(t, true);
    private final IntConsumer sddmmTask = this::sddmmTask;

    public CompactLayer(CpuPool pool) {
        this.pool = pool;
    }

    /** Per-thread scratch: transposition buffers, row cursors, one row's dot products. */
    private static final class Workspace {
        final float[] tmp = new float[Transpose.B * Transpose.B];
        final float[] blk = new float[Transpose.B * Transpose.B];
        final int[] cursor = new int[MAX_ROWS_PER_TASK];
        float[] sums = new float[0];

        float[] sums(int n) {
            if (sums.length < n) {
                sums = new float[n];
            }
            return sums;
        }
    }

    /** 64-byte aligned native scratch: random 64-byte loads from a float[] straddle cache lines. */
    private static final class Native {
        MemorySegment seg = MemorySegment.NULL;

        MemorySegment ensure(long floats) {
            if (seg.byteSize() < floats * Float.BYTES) {
                seg = Arena.ofAuto().allocate(Math.max(floats, 1) * Float.BYTES, 64);
            }
            return seg;
        }
    }

    /** Heap scratch (see {@link SparseKernels#dotRow16}) and the segment view the transposer writes through. */
    private static final class Heap {
        float[] a = new float[0];
        MemorySegment seg = MemorySegment.ofArray(a);

        MemorySegment ensure(long floats) {
            if (a.length < floats) {
                a = new float[Math.toIntExact(floats)];
                seg = MemorySegment.ofArray(a);
            }
            return seg;
        }
    }

    /** {@code Y = X (W ⊙ M)ᵀ + b}; X is batch × w.cols(), Y batch × w.rows(), bias nullable. */
    public void forward(MemorySegment x, SparseWeight w, MemorySegment bias, MemorySegment y, int batch) {
        begin(w, batch, 0f);
        this.bias = bias;
        toFeatureMajor(x, w.cols(), in.ensure((long) w.cols() * stride));
        dst = y;
        products(w.rows(), csrTask);
        end();
    }

    /** {@code dX = dY (W ⊙ M) + beta·dX}, through the CSC index. */
    public void backwardInput(MemorySegment dy, SparseWeight w, float beta, MemorySegment dx, int batch) {
        begin(w, batch, beta);
        toFeatureMajor(dy, w.rows(), in.ensure((long) w.rows() * stride));
        dst = dx;
        products(w.cols(), cscTask);
        end();
    }

    /** {@code dW[p] = Σ_b dY[b][row p]·X[b][col p] + beta·dW[p]} for the first nnz entries. */
    public void backwardWeight(MemorySegment dy, MemorySegment x, SparseWeight w, float beta, MemorySegment dw,
                               int batch) {
        begin(w, batch, beta);
        dst = dw;
        toFeatureMajor(x, w.cols(), inputRows.ensure((long) w.cols() * stride));
        toFeatureMajor(dy, w.rows(), gradRows.ensure((long) w.rows() * stride));
        zeroPadding(inputRows.seg, w.cols());
        zeroPadding(gradRows.seg, w.rows());
        if (batch == 0) {
            for (int p = 0; p < w.nnz(); p++) {
                dw.setAtIndex(JAVA_FLOAT, p, beta == 0f ? 0f : beta * dw.getAtIndex(JAVA_FLOAT, p));
            }
        }
        rowsPerTask = rowsPerTask(w.rows());
        run((w.rows() + rowsPerTask - 1) / rowsPerTask, (long) w.nnz() * batch, sddmmTask);
        end();
    }

    private void begin(SparseWeight w, int batch, float beta) {
        this.w = w;
        this.batch = batch;
        this.beta = beta;
        this.lanes = (batch + L - 1) / L * L;
        this.stride = paddedStride(lanes);
    }

    private void end() {
        w = null;
        src = dst = bias = target = null;
    }

    /**
     * The feature stride of the scratch: {@code lanes} plus one cache line when {@code lanes} is a multiple of 64
     * floats. A power-of-two stride (1 KiB at batch 256) puts the 64-sample runs of all features in a quarter of the
     * L1 and L2 sets, so the slab a column block reads thrashes at a quarter of the cache; one line more spreads them
     * over every set.
     */
    static int paddedStride(int lanes) {
        return lanes % 64 == 0 ? lanes + 16 : lanes;
    }

    /** Rows per task: enough for the slab to be reused, few enough that narrow layers still split. */
    private static int rowsPerTask(int rows) {
        return Math.max(16, Math.min(MAX_ROWS_PER_TASK, (rows / 8 + 15) / 16 * 16));
    }

    private void run(int tasks, long work, IntConsumer task) {
        if (work < SERIAL_BELOW || pool.threads() == 1) {
            for (int t = 0; t < tasks; t++) {
                task.accept(t);
            }
        } else {
            pool.run(tasks, task);
        }
    }

    /** {@code scratch[f·stride + b] = m[b·features + f]} for the batch × features tensor m. */
    private void toFeatureMajor(MemorySegment m, int features, MemorySegment scratch) {
        src = m;
        target = scratch;
        this.features = features;
        run((batch + BAND - 1) / BAND, (long) batch * features, transposeIn);
    }

    private void transposeInTask(int t) {
        int r0 = t * BAND;
        Workspace ws = workspaces.get();
        Transpose.rowsInto(src, features, 0, features, r0, Math.min(batch, r0 + BAND), ws.tmp, ws.blk, target, stride,
                0f);
    }

    /**
     * The padding samples [batch, lanes) of every feature become zero, so whole-vector dot products hold; the line
     * beyond lanes is never read.
     */
    private void zeroPadding(MemorySegment scratch, int features) {
        for (int f = 0; lanes > batch && f < features; f++) {
            scratch.asSlice(((long) f * stride + batch) * Float.BYTES, (long) (lanes - batch) * Float.BYTES)
                    .fill((byte) 0);
        }
    }

    /**
     * The SpMM over {@code outFeatures} output features × batch tiles, through the {@link #out} scratch into
     * {@link #dst} (batch × outFeatures, plus beta times its old contents).
     */
    private void products(int outFeatures, IntConsumer task) {
        out.ensure((long) outFeatures * stride);
        features = outFeatures;
        rowsPerTask = rowsPerTask(outFeatures);
        int tiles = (lanes + SparseKernels.TILE - 1) / SparseKernels.TILE;
        run((outFeatures + rowsPerTask - 1) / rowsPerTask * tiles, (long) w.nnz() * batch, task);
    }

    /**
     * One block of output features over one batch tile, through CSR (forward) or CSC (dX), then transposed into the
     * output while it is still in cache.
     */
    private void productTask(int t, boolean csc) {
        int tiles = (lanes + SparseKernels.TILE - 1) / SparseKernels.TILE;
        int t0 = (t % tiles) * SparseKernels.TILE;
        int f0 = (t / tiles) * rowsPerTask;
        int f1 = Math.min(features, f0 + rowsPerTask);
        int vectors = Math.min(SparseKernels.TILE, lanes - t0) / L;
        int inputs = csc ? w.rows() : w.cols();
        if (vectors != SparseKernels.TILE_VECTORS || inputs <= SLAB_FEATURES) {
            rows(csc, f0, f1, t0, vectors);
        } else {
            blockedRows(csc, f0, f1, t0, inputs);
        }
        Workspace ws = workspaces.get();
        Transpose.rowsInto(out.seg, stride, t0, Math.min(batch, t0 + SparseKernels.TILE), f0, f1, ws.tmp, ws.blk,
                dst, features, beta);
    }

    /** Each output feature of [f0, f1) in one pass over its non-zeros. */
    private void rows(boolean csc, int f0, int f1, int t0, int vectors) {
        MemorySegment ptr = CpuTensor.seg(csc ? w.colPtr() : w.rowPtr());
        for (int f = f0; f < f1; f++) {
            SparseKernels.rowTimesSlab(CpuTensor.seg(w.values()), csc ? CpuTensor.seg(w.perm()) : null,
                    CpuTensor.seg(csc ? w.rowIdx() : w.colIdx()), ptr.getAtIndex(JAVA_INT, f),
                    ptr.getAtIndex(JAVA_INT, f + 1), in.seg, stride, t0, vectors, initial(f), out.seg,
                    (long) f * stride + t0);
        }
    }

    /**
     * The output features of [f0, f1) over a full register tile, walking the input features in blocks of
     * {@link #SLAB_FEATURES} so the slab every row of the block reads stays in L2; each row keeps a cursor into its
     * sorted index list and its partial sums in the scratch, reloaded exactly, so results equal a single pass.
     */
    private void blockedRows(boolean csc, int f0, int f1, int t0, int inputs) {
        MemorySegment vals = CpuTensor.seg(w.values());
        MemorySegment ptr = CpuTensor.seg(csc ? w.colPtr() : w.rowPtr());
        MemorySegment idx = CpuTensor.seg(csc ? w.rowIdx() : w.colIdx());
        MemorySegment perm = csc ? CpuTensor.seg(w.perm()) : null;
        int[] cursor = workspaces.get().cursor;
        for (int f = f0; f < f1; f++) {
            cursor[f - f0] = ptr.getAtIndex(JAVA_INT, f);
        }
        for (int c0 = 0; c0 < inputs; c0 += SLAB_FEATURES) {
            for (int f = f0; f < f1; f++) {
                cursor[f - f0] = SparseKernels.rowTimesTileUntil(vals, perm, idx, cursor[f - f0],
                        ptr.getAtIndex(JAVA_INT, f + 1), c0 + SLAB_FEATURES, in.seg, stride, t0, c0 == 0,
                        initial(f), out.seg, (long) f * stride + t0);
            }
        }
    }

    private float initial(int f) {
        return bias == null ? 0f : bias.getAtIndex(JAVA_FLOAT, f);
    }

    /**
     * dW for the non-zeros of one block of rows, batch tiles in order. Tiles of 256 samples keep each row's gradient
     * in registers ({@link SparseKernels#dotRow16}) and walk the input features in blocks that stay in L2; a shorter
     * last tile uses plain dot products.
     */
    private void sddmmTask(int t) {
        int r0 = t * rowsPerTask;
        int r1 = Math.min(w.rows(), r0 + rowsPerTask);
        MemorySegment ptr = CpuTensor.seg(w.rowPtr());
        MemorySegment colIdx = CpuTensor.seg(w.colIdx());
        int wide = SparseKernels.ROW_VECTORS * L;
        for (int t0 = 0; t0 < lanes; ) {
            if (lanes - t0 >= wide) {
                wideTile(r0, r1, ptr, colIdx, t0);
                t0 += wide;
                continue;
            }
            int vectors = Math.min(SparseKernels.TILE, lanes - t0) / L;
            for (int r = r0; r < r1; r++) {
                int end = ptr.getAtIndex(JAVA_INT, r + 1);
                for (int p = ptr.getAtIndex(JAVA_INT, r); p < end; p++) {
                    accumulate(p, SparseKernels.dot(gradRows.a, r * stride + t0, inputRows.a,
                            colIdx.getAtIndex(JAVA_INT, p) * stride + t0, vectors), t0 == 0);
                }
            }
            t0 += vectors * L;
        }
    }

    private void wideTile(int r0, int r1, MemorySegment ptr, MemorySegment colIdx, int t0) {
        Workspace ws = workspaces.get();
        // Room for a whole row, though one column block uses at most DOT_SLAB_FEATURES: C2 hoists the range check
        // of sums[p − p0] over the row's full extent [p0, p1), and a shorter array makes that check fail and the
        // compiled kernel deoptimize over and over.
        float[] sums = ws.sums(w.cols());
        int[] cursor = ws.cursor;
        for (int r = r0; r < r1; r++) {
            cursor[r - r0] = ptr.getAtIndex(JAVA_INT, r);
        }
        for (int c0 = 0; c0 < w.cols(); c0 += DOT_SLAB_FEATURES) {
            for (int r = r0; r < r1; r++) {
                int p0 = cursor[r - r0];
                int p1 = SparseKernels.dotRow16(gradRows.a, r * stride, colIdx, p0, ptr.getAtIndex(JAVA_INT, r + 1),
                        c0 + DOT_SLAB_FEATURES, inputRows.a, stride, t0, sums);
                for (int p = p0; p < p1; p++) {
                    accumulate(p, sums[p - p0], t0 == 0);
                }
                cursor[r - r0] = p1;
            }
        }
    }

    /** dW[p] = s + (first ? beta·dW[p] : dW[p]), dW unread when first and beta is 0. */
    private void accumulate(int p, float s, boolean first) {
        if (!first) {
            s += dst.getAtIndex(JAVA_FLOAT, p);
        } else if (beta != 0f) {
            s += beta * dst.getAtIndex(JAVA_FLOAT, p);
        }
        dst.setAtIndex(JAVA_FLOAT, p, s);
    }
}
