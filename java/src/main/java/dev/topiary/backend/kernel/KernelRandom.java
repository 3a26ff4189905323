package dev.topiary.backend.kernel;

import dev.topiary.backend.RandomOps;
import dev.topiary.backend.Tensor;

import static dev.topiary.backend.kernel.ArgType.F64;
import static dev.topiary.backend.kernel.ArgType.I32;
import static dev.topiary.backend.kernel.ArgType.I64;
import static dev.topiary.backend.kernel.ArgType.PTR;

/**
 * Random tensors by the kernels of {@code kernels/random.cu}: the Philox words of {@code kernels/philox.cuh}, turned
 * into values in double and rounded once, so they equal the reference's bit for bit. The affine constants are formed
 * in double on the host exactly as the CPU backend forms them.
 */
final class KernelRandom extends RandomOps {
    /** Items per thread of the grid-stride kernels, and their most threads (about one wave of an H100). */
    private static final long ITEMS_PER_THREAD = 4;
    private static final long MAX_THREADS = 1 << 18;
    private static final Kernel UNIFORM = Kernel.of("rand_uniform", PTR, I64, I64, I64, F64, F64);
    private static final Kernel NORMAL = Kernel.of("rand_normal", PTR, I64, I64, I64, F64, F64);
    private static final Kernel INTS = Kernel.of("rand_ints", PTR, I64, I64, I64, I32);

    KernelRandom(KernelBackend backend) {
        super(backend);
    }

    private KernelBackend kb() {
        return (KernelBackend) backend;
    }

    @Override
    protected void uniformImpl(Tensor out, float lo, float hi, long seed, long stream) {
        long n = out.size();
        if (n > 0) {
            kb().stream().launch(UNIFORM, gridStride((n + 3) / 4), KernelTensor.ptr(out), n, seed, stream, (double) lo,
                    (double) hi - lo);
        }
    }

    @Override
    protected void normalImpl(Tensor out, float mean, float std, long seed, long stream) {
        long n = out.size();
        if (n > 0) {
            kb().stream().launch(NORMAL, gridStride(n), KernelTensor.ptr(out), n, seed, stream, (double) mean,
                    (double) std);
        }
    }

    @Override
    protected void intsImpl(Tensor out, int bound, long seed, long stream) {
        long n = out.size();
        if (n > 0) {
            kb().stream().launch(INTS, gridStride((n + 3) / 4), KernelTensor.ptr(out), n, seed, stream, bound);
        }
    }

    /** A grid-stride launch over {@code items} work items, {@link #ITEMS_PER_THREAD} or more per thread. */
    private Launch gridStride(long items) {
        int block = kb().blockSize();
        long perBlock = ITEMS_PER_THREAD * block;
        long blocks = Math.min((items + perBlock - 1) / perBlock, MAX_THREADS / block);
        return new Launch((int) Math.max(1, blocks), 1, 1, block, 1, 1, 0);
    }
}
