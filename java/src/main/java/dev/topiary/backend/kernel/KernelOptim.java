package dev.topiary.backend.kernel;

import dev.topiary.backend.AdamW;
import dev.topiary.backend.OptimOps;
import dev.topiary.backend.Tensor;

import static dev.topiary.backend.kernel.ArgType.F32;
import static dev.topiary.backend.kernel.ArgType.I32;
import static dev.topiary.backend.kernel.ArgType.I64;
import static dev.topiary.backend.kernel.ArgType.PTR;

/**
 * Optimizer ops by the kernels of {@code kernels/optim.cu}. AdamW reads the step counter from device memory (the
 * host never sees it) and follows the CPU backend's float operations exactly, so the two agree bit for bit. The sum
 * of squares is a fixed-order two-pass reduction into per-block partials kept in a scratch buffer of this object;
 * clipping reads that sum from device memory.
 *
 * <p>What kernel backends check, and what they do not: every argument check of {@link OptimOps} applies, but a step
 * counter below 1 cannot be reported from the device: AdamW then leaves the parameters and moments unchanged, where
 * host backends throw.
 */
final class KernelOptim extends OptimOps {
    /** Threads and entries per block of the sum of squares: fixed, so the summation order never changes. */
    private static final int SQ_THREADS = 256;
    private static final int SQ_SLICE = 4096;
    /** Items per thread of the grid-stride kernels, and their most threads (about one wave of an H100). */
    private static final long ITEMS_PER_THREAD = 4;
    private static final long MAX_THREADS = 1 << 18;

    private static final Kernel ADAMW = Kernel.of("optim_adamw", PTR, PTR, PTR, PTR, PTR, PTR, I64, F32, F32, F32,
            F32, F32, F32, F32);
    private static final Kernel INCREMENT = Kernel.of("optim_increment", PTR);
    private static final Kernel SUMSQ_PARTIAL = Kernel.of("optim_sumsq_partial", PTR, I64, PTR);
    private static final Kernel SUMSQ_FINAL = Kernel.of("optim_sumsq_final", PTR, I32, PTR);
    private static final Kernel CLIP = Kernel.of("optim_clip", PTR, I64, PTR, F32);
    private static final Kernel POLYAK = Kernel.of("optim_polyak", PTR, PTR, I64, F32, F32);

    private long partials;
    private long partialCount;

    KernelOptim(KernelBackend backend) {
        super(backend);
    }

    private KernelBackend kb() {
        return (KernelBackend) backend;
    }

    @Override
    protected void adamWImpl(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor mask, AdamW hp, Tensor step) {
        long n = param.size();
        if (n == 0) {
            return;
        }
        // The step-independent scalars rounded as CpuOptim rounds them; the bias corrections are left to the device.
        float decay = (float) (1 - (double) hp.lr() * hp.weightDecay());
        float oneMinusBeta1 = (float) (1 - (double) hp.beta1());
        float oneMinusBeta2 = (float) (1 - (double) hp.beta2());
        kb().stream().launch(ADAMW, gridStride((n + 3) / 4), KernelTensor.ptr(param), KernelTensor.ptr(grad),
                KernelTensor.ptr(m), KernelTensor.ptr(v), KernelTensor.ptr(mask), KernelTensor.ptr(step), n, hp.lr(),
                hp.beta1(), hp.beta2(), decay, oneMinusBeta1, oneMinusBeta2, hp.eps());
    }

    @Override
    protected void incrementStepImpl(Tensor step) {
        kb().stream().launch(INCREMENT, new Launch(1, 1, 1, 1, 1, 1, 0), KernelTensor.ptr(step));
    }

    @Override
    protected synchronized void sumOfSquaresImpl(Tensor[] grads, Tensor out) {
        long total = 0;
        for (Tensor g : grads) {
            total += slices(g.size());
        }
        long scratch = ensurePartials(Math.max(1, total));
        Device d = kb().stream();
        long offset = 0;
        for (Tensor g : grads) {
            long blocks = slices(g.size());
            if (blocks > 0) {
                d.launch(SUMSQ_PARTIAL, new Launch(Math.toIntExact(blocks), 1, 1, SQ_THREADS, 1, 1, 0),
                        KernelTensor.ptr(g), g.size(), scratch + offset * Double.BYTES);
                offset += blocks;
            }
        }
        d.launch(SUMSQ_FINAL, new Launch(1, 1, 1, SQ_THREADS, 1, 1, 0), scratch, Math.toIntExact(total),
                KernelTensor.ptr(out));
    }

    private static long slices(long n) {
        return (n + SQ_SLICE - 1) / SQ_SLICE;
    }

    /** The partials buffer with room for {@code count} doubles, grown (never shrunk) and kept for later calls. */
    private long ensurePartials(long count) {
        if (partialCount < count) {
            Device d = kb().stream();
            if (partials != 0) {
                d.free(partials);
            }
            long grown = Math.max(count, 2 * partialCount);
            partials = d.alloc(grown * Double.BYTES);
            partialCount = grown;
        }
        return partials;
    }

    @Override
    protected void clipByGlobalNormImpl(Tensor[] grads, Tensor sumSq, float maxNorm) {
        for (Tensor g : grads) {
            long n = g.size();
            if (n > 0) {
                kb().stream().launch(CLIP, gridStride(n), KernelTensor.ptr(g), n, KernelTensor.ptr(sumSq), maxNorm);
            }
        }
    }

    @Override
    protected void polyakImpl(Tensor target, Tensor source, float tau) {
        long n = target.size();
        if (n == 0) {
            return;
        }
        Device d = kb().stream();
        if (tau == 1) {
            d.copyOnDevice(KernelTensor.ptr(source), KernelTensor.ptr(target), n * Float.BYTES);
            return;
        }
        d.launch(POLYAK, gridStride(n), KernelTensor.ptr(target), KernelTensor.ptr(source), n, tau,
                (float) (1.0 - tau));
    }

    /** A grid-stride launch over {@code items} work items, {@link #ITEMS_PER_THREAD} or more per thread. */
    private Launch gridStride(long items) {
        int block = kb().blockSize();
        long perBlock = ITEMS_PER_THREAD * block;
        long blocks = Math.min((items + perBlock - 1) / perBlock, MAX_THREADS / block);
        return new Launch((int) Math.max(1, blocks), 1, 1, block, 1, 1, 0);
    }
}
