package dev.topiary.backend.kernel;

import dev.topiary.backend.BlasOps;
import dev.topiary.backend.Tensor;

import static dev.topiary.backend.kernel.ArgType.F32;
import static dev.topiary.backend.kernel.ArgType.I32;
import static dev.topiary.backend.kernel.ArgType.PTR;

/**
 * The dense GEMM on the project's kernels ({@code kernels/gemm.cu}): a tiled fp32 kernel by default, and a TF32
 * tensor-core kernel when {@link #setTf32(boolean) switched on}. The sparse layer's dense and masked layouts use the
 * same kernels through {@link #gemm(boolean, boolean, int, int, int, float, long, long, float, long, long, long)},
 * which also fuses a bias row and a U8 output mask.
 *
 * <p>Each call picks a tile (128×128 or 64×64) and a split of the k dimension so that about one wave of blocks
 * fills the GPU; a split product sums its slices in a fixed order in a second kernel, so results never depend on
 * timing. They do depend on the shape (the split changes the summation order), as any BLAS's do.
 */
public final class KernelBlas extends BlasOps {
    /** Streaming multiprocessors the launch plan aims to fill: an H100 SXM's count. */
    static final int TARGET_BLOCKS = 132;
    /** Plans that reach this many blocks are considered to fill the GPU. */
    private static final int ENOUGH_BLOCKS = 96;
    private static final int VEC_A = 1;
    private static final int VEC_B = 2;
    private static final int VEC_C = 4;
    private static final String[] SUFFIX = {"nn", "nt", "tn", "tt"};
    private static final Kernel[] FP32_128 = entries("sgemm_%s_128");
    private static final Kernel[] FP32_64 = entries("sgemm_%s_64");
    private static final Kernel[] TF32 = entries("sgemm_tf32_%s");
    private static final Kernel REDUCE = Kernel.of("sgemm_splitk_reduce", PTR, PTR, PTR, PTR, I32, I32, I32, F32,
            F32);

    /** A launch plan: tile edge (128, 64; TF32 always 128), how many k slices, and the slice length. */
    record Plan(int tile, int splits, int kChunk) {
    }

    private final KernelBackend backend;
    private final KernelBlasScratch partials;
    private volatile boolean tf32;
    /** Tests force a tile and split to cover every kernel at small sizes; 0 means choose. */
    private int forcedTile;
    private int forcedSplits;

    KernelBlas(KernelBackend backend) {
        super(backend);
        this.backend = backend;
        this.partials = new KernelBlasScratch(backend.stream());
    }

    private static Kernel[] entries(String pattern) {
        Kernel[] k = new Kernel[4];
        for (int i = 0; i < 4; i++) {
            k[i] = Kernel.of(String.format(pattern, SUFFIX[i]), PTR, PTR, PTR, PTR, PTR, PTR, I32, I32, I32, I32,
                    F32, F32, I32);
        }
        return k;
    }

    /**
     * Switches every GEMM of this backend (including the sparse layer's dense and masked layouts) to TF32 tensor
     * cores on GPUs that have them (sm_80 and newer). Off by default. When on, inputs are rounded to TF32 (10
     * mantissa bits, round to nearest, ties away from zero) before they are multiplied, so results differ from
     * fp32 by TF32 rounding: a relative error of about 2⁻¹¹ per product rather than 2⁻²⁴. Older GPUs and the
     * emulator compute the same rounded products with fp32 FMAs.
     */
    public void setTf32(boolean on) {
        this.tf32 = on;
    }

    /** Whether GEMMs round their inputs to TF32 and use tensor cores; see {@link #setTf32(boolean)}. */
    public boolean tf32() {
        return tf32;
    }

    /** For tests: every following call uses this tile (64, 128, or 0 to choose) and number of k slices. */
    void forcePlan(int tile, int splits) {
        this.forcedTile = tile;
        this.forcedSplits = splits;
    }

    @Override
    protected void gemmImpl(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a, Tensor b,
                            float beta, Tensor c) {
        gemm(transA, transB, m, n, k, alpha, KernelTensor.ptr(a), KernelTensor.ptr(b), beta, KernelTensor.ptr(c), 0,
                0);
    }

    /**
     * {@code C = alpha·op(A)·op(B) + bias + beta·C} on device pointers, where bias (0 for none) is a row of n floats
     * added to every row, and mask (0 for none) is a U8 m×n array: where it is 0 the product term
     * (alpha·op(A)·op(B)) is dropped and only {@code beta·C} remains.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, long b, float beta, long c,
              long bias, long mask) {
        if (m == 0 || n == 0) {
            return;
        }
        boolean tensorCores = tf32;
        Plan plan = plan(m, n, k, tensorCores);
        int which = (transA ? 2 : 0) + (transB ? 1 : 0);
        Kernel kernel = tensorCores ? TF32[which] : plan.tile() == 128 ? FP32_128[which] : FP32_64[which];
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        long partial = 0;
        long out = c;
        if (plan.splits() > 1) {
            partial = partials.ensure((long) plan.splits() * m * n * Float.BYTES);
            out = partial;
        }
        int flags = (aligned(a, lda) ? VEC_A : 0) | (aligned(b, ldb) ? VEC_B : 0) | (aligned(out, n) ? VEC_C : 0);
        int threads = tensorCores || plan.tile() == 128 ? 256 : 64;
        Launch launch = new Launch(ceilDiv(n, plan.tile()), ceilDiv(m, plan.tile()), plan.splits(), threads, 1, 1, 0);
        Device device = backend.stream();
        device.launch(kernel, launch, a, b, c, partial, bias, mask, m, n, k, plan.kChunk(), alpha, beta, flags);
        if (plan.splits() > 1) {
            device.launch(REDUCE, Launch.cover((long) m * n, backend.blockSize()), partial, c, bias, mask, m, n,
                    plan.splits(), alpha, beta);
        }
    }

    /** Float4 loads need a leading dimension that keeps every row 16-byte aligned, and an aligned base. */
    private static boolean aligned(long ptr, int ld) {
        return ld % 4 == 0 && ptr % 16 == 0;
    }

    /**
     * Chooses the tile and the k split. Large outputs use 128×128 tiles unsplit. Outputs with too few tiles to fill
     * the GPU split k into slices of at least 256 (128 for 64-wide tiles), so the extra pass over the partial sums
     * stays small next to the product; if 128-wide tiles still leave most SMs idle, 64-wide ones are used.
     */
    Plan plan(int m, int n, int k, boolean tensorCores) {
        int tile;
        int splits;
        if (forcedTile != 0) {
            tile = tensorCores ? 128 : forcedTile;
            splits = Math.max(1, forcedSplits);
        } else {
            tile = 128;
            int tiles = ceilDiv(m, 128) * ceilDiv(n, 128);
            splits = splitsFor(tiles, k, 256);
            if (!tensorCores && tiles * splits < ENOUGH_BLOCKS) {
                tile = 64;
                splits = splitsFor(ceilDiv(m, 64) * ceilDiv(n, 64), k, 128);
            }
        }
        int bk = tensorCores ? 16 : 8;
        // Slices are whole k steps, and the last one is never empty.
        int chunk = Math.max(bk, ceilDiv(ceilDiv(Math.max(k, 1), splits), bk) * bk);
        return new Plan(tile, ceilDiv(Math.max(k, 1), chunk), chunk);
    }

    private static int splitsFor(int tiles, int k, int minSlice) {
        if (tiles >= ENOUGH_BLOCKS) {
            return 1;
        }
        return Math.max(1, Math.min(16, Math.min(TARGET_BLOCKS / tiles, k / minSlice)));
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Frees the split-K buffer; the backend calls this when it closes. */
    void close() {
        partials.release();
    }
}
