package dev.topiary.backend.cpu.gemm;

import dev.topiary.backend.cpu.CpuPool;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * Single-precision GEMM on row-major tensors, {@code C = alpha·op(A)·op(B) + beta·C}, with an optional bias row added
 * and an optional U8 mask applied to the product (for the masked weight gradient), in the GotoBLAS structure:
 *
 * <ol>
 *   <li>op(A) is packed once into panels of {@link MicroKernel#MR} rows (in parallel);</li>
 *   <li>C is cut into fixed pieces of {@link #MB} × {@link #NB}; each task owns one piece and, for each block of
 *       {@link #KC} steps of k, packs its slice of op(B) into panels of 2 vectors (L2-resident: 256 × 128 floats)
 *       and runs the {@link MicroKernel} over every MR × 2-vector tile of the piece.</li>
 * </ol>
 *
 * <p>Every element of C is the same sequence of float operations whatever the number of threads: the pieces, the k
 * blocks and the order within a block are fixed, and only which thread runs a piece varies. Zero padding of the
 * packed panels keeps edge tiles on the same code path as interior ones.
 *
 * <p>One instance serves one backend, whose ops run one at a time; its scratch (the packed A, per-thread B blocks)
 * grows to the largest problem seen and is then reused, so steady-state calls allocate nothing but the pool's job.
 */
public final class Sgemm {
    /** Steps of k per block: the packed B block (KC × NB) stays in L2, an A panel (8 × KC) in L1. */
    public static final int KC = 256;
    /** Columns of C per task. */
    static final int NB = 128;
    /** Rows of C per task: a whole number of A panels (MR is 8 or 4). */
    static final int MB = 512;
    /** A panels packed per task. */
    private static final int A_PANELS_PER_TASK = 8;
    /** Below this many multiply-adds the pool's hand-off costs more than it saves. */
    private static final long SERIAL_BELOW = 1L << 18;

    private static final int MR = MicroKernel.MR;
    private static final int NR = MicroKernel.NR;

    private final CpuPool pool;
    private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);
    private final IntConsumer packTask = this::packTask;
    private final IntConsumer tileTask = this::tileTask;
    private float[] packedA = new float[0];

    // The current call's arguments, read by the tasks (a backend runs one op at a time).
    private boolean ta;
    private boolean tb;
    private int m;
    private int n;
    private int k;
    private float alpha;
    private float beta;
    private MemorySegment a;
    private MemorySegment b;
    private MemorySegment c;
    private MemorySegment bias;
    private MemorySegment mask;
    private int mTasks;

    public Sgemm(CpuPool pool) {
        this.pool = pool;
    }

    /** Per-thread scratch: one packed B block, one tile and two 16 × 16 transposition buffers. */
    private static final class Workspace {
        final float[] packedB = new float[KC * NB];
        final float[] tile = new float[MR * NR];
        final float[] tmp = new float[Transpose.B * Transpose.B];
        final float[] blk = new float[Transpose.B * Transpose.B];
    }

    /**
     * {@code C = alpha·op(A)·op(B)⊙mask + beta·C + bias}. A is m × k (k × m when {@code transA}), B is k × n (n × k
     * when {@code transB}), C is m × n; {@code bias} (n floats) and {@code mask} (U8, m × n) may be null. With
     * {@code beta == 0} C's old contents are never read.
     */
    public void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a,
                         MemorySegment b, float beta, MemorySegment c, MemorySegment bias, MemorySegment mask) {
        if (m == 0 || n == 0) {
            return;
        }
        this.ta = transA;
        this.tb = transB;
        this.m = m;
        this.n = n;
        this.k = k;
        this.alpha = alpha;
        this.beta = beta;
        this.a = a;
        this.b = b;
        this.c = c;
        this.bias = bias;
        this.mask = mask;
        try {
            run();
        } finally {
            this.a = this.b = this.c = this.bias = this.mask = null;
        }
    }

    private void run() {
        boolean serial = (long) m * n * Math.max(k, 1) < SERIAL_BELOW || pool.threads() == 1;
        int panels = (m + MR - 1) / MR;
        long need = (long) panels * MR * k;
        if (need > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("gemm: op(A) of " + m + "×" + k + " is too large to pack");
        }
        if (packedA.length < need) {
            packedA = new float[(int) need];
        }
        mTasks = (m + MB - 1) / MB;
        int nTasks = (n + NB - 1) / NB;
        forEach(serial, (panels + A_PANELS_PER_TASK - 1) / A_PANELS_PER_TASK, packTask);
        forEach(serial, mTasks * nTasks, tileTask);
    }

    private void forEach(boolean serial, int tasks, IntConsumer body) {
        if (serial) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
        } else {
            pool.run(tasks, body);
        }
    }

    private void packTask(int t) {
        int panels = (m + MR - 1) / MR;
        int p0 = t * A_PANELS_PER_TASK;
        int p1 = Math.min(panels, p0 + A_PANELS_PER_TASK);
        Workspace ws = workspaces.get();
        Packing.packA(ta, a, m, k, p0, p1, packedA, ws.tmp, ws.blk);
    }

    /** One piece of C: rows [i0, i1), columns [j0, j1), over every k block in order. */
    private void tileTask(int t) {
        Workspace ws = workspaces.get();
        int i0 = (t % mTasks) * MB;
        int i1 = Math.min(m, i0 + MB);
        int j0 = (t / mTasks) * NB;
        int j1 = Math.min(n, j0 + NB);
        if (k == 0) {
            Arrays.fill(ws.tile, 0f);
            forEachTile(ws, i0, i1, j0, j1, 0, 0);
            return;
        }
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            Packing.packB(tb, b, n, k, pc, kc, j0, j1, ws.packedB, ws.tmp);
            forEachTile(ws, i0, i1, j0, j1, pc, kc);
        }
    }

    private void forEachTile(Workspace ws, int i0, int i1, int j0, int j1, int pc, int kc) {
        boolean first = pc == 0;
        for (int i = i0; i < i1; i += MR) {
            int aOff = (i / MR) * MR * k + pc * MR;
            int rows = Math.min(MR, i1 - i);
            for (int j = j0; j < j1; j += NR) {
                if (kc > 0) {
                    MicroKernel.multiply(packedA, aOff, ws.packedB, ((j - j0) / NR) * kc * NR, kc, ws.tile);
                }
                MicroKernel.store(ws.tile, rows, Math.min(NR, j1 - j), c, n, i, j, alpha, beta, first, bias, mask);
            }
        }
    }
}
