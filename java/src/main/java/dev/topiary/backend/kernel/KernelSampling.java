package dev.topiary.backend.kernel;

import dev.topiary.backend.SamplingOps;
import dev.topiary.backend.Tensor;

import static dev.topiary.backend.kernel.ArgType.I32;
import static dev.topiary.backend.kernel.ArgType.PTR;

/**
 * The float64 sum tree by the kernels of {@code kernels/sampling.cu}. An update writes the leaves (the last of
 * repeated indices winning through a 64-bit atomicMax tag) and then recomputes the ancestors level by level, each node
 * as the sum of its two children, so the tree equals the reference's bit for bit. Small batches run in one block;
 * larger ones take one launch per level, recomputing either the updated nodes' parents or the whole level, whichever
 * is fewer threads, and the top levels in one block.
 *
 * <p>What kernel backends check, and what they do not: the tensor shapes and dtypes are checked as on every backend,
 * but the indices and weights are data on the device. An update whose index lies outside the tree's leaves, or whose
 * weight is negative, NaN or infinite, is skipped (the last valid occurrence of an index wins), where host backends
 * reject the whole call before changing anything.
 */
final class KernelSampling extends SamplingOps {
    /**
     * Items per thread of the grid-stride kernels (one: each is a chain of dependent reads, so a GPU wants them in
     * parallel), and their most threads (about one wave of an H100).
     */
    private static final long ITEMS_PER_THREAD = 1;
    private static final long MAX_THREADS = 1 << 18;
    /** Batches up to this many block sizes run in a single block. */
    private static final int SMALL_BLOCKS = 4;

    private static final Kernel TAG = Kernel.of("sumtree_tag", PTR, I32, PTR, PTR, I32);
    private static final Kernel WRITE = Kernel.of("sumtree_write", PTR, I32, PTR, PTR, I32);
    private static final Kernel LEVEL = Kernel.of("sumtree_level", PTR, I32, PTR, PTR, I32, I32);
    private static final Kernel REBUILD = Kernel.of("sumtree_rebuild_level", PTR, I32);
    private static final Kernel TOP = Kernel.of("sumtree_top", PTR, I32);
    private static final Kernel SMALL = Kernel.of("sumtree_set_small", PTR, I32, PTR, PTR, I32, I32);
    private static final Kernel SAMPLE = Kernel.of("sumtree_sample", PTR, I32, PTR, PTR, I32);
    private static final Kernel TOTAL = Kernel.of("sumtree_total", PTR, PTR);

    KernelSampling(KernelBackend backend) {
        super(backend);
    }

    private KernelBackend kb() {
        return (KernelBackend) backend;
    }

    @Override
    protected void sumTreeSetImpl(Tensor tree, Tensor idx, Tensor values) {
        int n = idx.rows();
        if (n == 0) {
            return;
        }
        int cap = tree.cols() / 2;
        int depth = Integer.numberOfTrailingZeros(cap);
        int block = kb().blockSize();
        Device d = kb().stream();
        long t = KernelTensor.ptr(tree);
        long i = KernelTensor.ptr(idx);
        long w = KernelTensor.ptr(values);
        if (n <= SMALL_BLOCKS * block) {
            d.launch(SMALL, new Launch(1, 1, 1, block, 1, 1, 0), t, cap, i, w, n, depth);
            return;
        }
        Launch updates = gridStride(n);
        d.launch(TAG, updates, t, cap, i, w, n);
        d.launch(WRITE, updates, t, cap, i, w, n);
        for (int level = 1; level <= depth; level++) {
            int count = cap >>> level;
            if (count <= block) {
                d.launch(TOP, new Launch(1, 1, 1, block, 1, 1, 0), t, count);
                return;
            }
            if (count < n) {
                d.launch(REBUILD, gridStride(count), t, count);
            } else {
                d.launch(LEVEL, updates, t, cap, i, w, n, level);
            }
        }
    }

    @Override
    protected void sumTreeSampleImpl(Tensor tree, Tensor u, Tensor out) {
        int n = u.rows();
        if (n > 0) {
            kb().stream().launch(SAMPLE, gridStride(n), KernelTensor.ptr(tree), tree.cols() / 2, KernelTensor.ptr(u),
                    KernelTensor.ptr(out), n);
        }
    }

    @Override
    protected void sumTreeTotalImpl(Tensor tree, Tensor out) {
        kb().stream().launch(TOTAL, new Launch(1, 1, 1, 1, 1, 1, 0), KernelTensor.ptr(tree), KernelTensor.ptr(out));
    }

    /** A grid-stride launch over {@code items} work items, {@link #ITEMS_PER_THREAD} or more per thread. */
    private Launch gridStride(long items) {
        int block = kb().blockSize();
        long perBlock = ITEMS_PER_THREAD * block;
        long blocks = Math.min((items + perBlock - 1) / perBlock, MAX_THREADS / block);
        return new Launch((int) Math.max(1, blocks), 1, 1, block, 1, 1, 0);
    }
}
