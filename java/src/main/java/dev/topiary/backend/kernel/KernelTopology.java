package dev.topiary.backend.kernel;

import dev.topiary.backend.Tensor;
import dev.topiary.backend.TopologyOps;

import static dev.topiary.backend.kernel.ArgType.I32;
import static dev.topiary.backend.kernel.ArgType.I64;
import static dev.topiary.backend.kernel.ArgType.PTR;

/**
 * Topology updates by the kernels of {@code kernels/topology.cu}: a radix select over 32-bit keys computed on the fly
 * (three digit passes, then the marking pass with ties taken in index order), all on the device; the host only knows
 * sizes, and the selection state lives in a small device buffer kept by this object and grown when needed.
 *
 * <p>What kernel backends check, and what they do not: every argument check of {@link TopologyOps} (shapes, dtypes,
 * ranges of {@code k} and {@code active}) applies as on every backend, but the caller's {@code active} count is not
 * compared with the mask, because that would need the device's count on the host (a sync per op). The selection does
 * not use {@code active} at all: it takes the {@code k} eligible entries with the smallest keys, or every eligible
 * entry when the mask has fewer than {@code k}. Host backends reject a wrong count instead.
 */
final class KernelTopology extends TopologyOps {
    private static final int PRUNE = 0;
    private static final int GROW = 1;
    private static final int RANDOM_GROW = 2;
    private static final int RANDOM_ALL = 3;
    /** Digit passes: (shift, bits) from the top of the key; 11 + 11 + 10 = 32. */
    private static final int[][] DIGITS = {{21, 11}, {10, 11}, {0, 10}};
    /** Histogram bins and the selection's scalars, before the per-block tie counts (see topology.cu). */
    private static final int STATE_WORDS = 2048 + 8;
    /** Blocks a selection pass aims for on large inputs: enough to fill an H100 (132 SMs) several times over. */
    private static final long TARGET_BLOCKS = 1024;
    /** Fewest 4-entry groups per block of a selection pass, so clearing and merging 2048 bins stays a small cost. */
    private static final long MIN_GROUPS_PER_BLOCK = 2048;
    /** Inputs of at most this many groups per thread of one block are selected by one block in one launch. */
    private static final long SMALL_ITERS = 8;
    /** Groups per thread of the grid-stride kernels, and their most threads (about one wave of an H100). */
    private static final long ITEMS_PER_THREAD = 4;
    private static final long MAX_THREADS = 1 << 18;

    private static final Kernel HIST = Kernel.of("topo_hist", I32, PTR, PTR, I64, I32, I64, I64, I32, I32, PTR);
    private static final Kernel PICK = Kernel.of("topo_pick", PTR, I32, I32, I32, I32);
    private static final Kernel COUNT = Kernel.of("topo_count", I32, PTR, PTR, I64, I32, I64, I64, PTR);
    private static final Kernel SCAN = Kernel.of("topo_scan", PTR, I32);
    private static final Kernel MARK = Kernel.of("topo_mark", I32, PTR, PTR, I64, I32, I64, I64, PTR);
    private static final Kernel SELECT_SMALL = Kernel.of("topo_select_small", I32, PTR, PTR, I64, I32, I64, I64, I32,
            PTR);
    private static final Kernel MASK_CHANGE = Kernel.of("topo_mask_change", PTR, PTR, I64, PTR, PTR, PTR, PTR);
    private static final Kernel COUNT_ACTIVE = Kernel.of("topo_count_active", PTR, I64, PTR);

    private long state;
    private long stateWords;

    KernelTopology(KernelBackend backend) {
        super(backend);
    }

    private KernelBackend kb() {
        return (KernelBackend) backend;
    }

    @Override
    protected synchronized void pruneSmallestImpl(Tensor values, Tensor mask, int active, int k) {
        selectOrReset(PRUNE, values, mask, k, 0, 0);
    }

    @Override
    protected synchronized void growLargestImpl(Tensor scores, Tensor mask, int active, int k) {
        selectOrReset(GROW, scores, mask, k, 0, 0);
    }

    @Override
    protected synchronized void growRandomImpl(Tensor mask, int active, int k, long seed, long stream) {
        selectOrReset(RANDOM_GROW, null, mask, k, seed, stream);
    }

    @Override
    protected synchronized void randomMaskImpl(Tensor mask, int k, long seed, long stream) {
        if (k == 0) {
            kb().stream().memsetZero(KernelTensor.ptr(mask), mask.size());
            return;
        }
        selectOrReset(RANDOM_ALL, null, mask, k, seed, stream);
    }

    /**
     * A selection leaves the histogram zeroed for the next one; a launch that fails part-way may not, so the state
     * buffer is then dropped and the next selection starts from a fresh, zeroed one.
     */
    private void selectOrReset(int kind, Tensor keys, Tensor mask, int k, long seed, long stream) {
        try {
            select(kind, keys, mask, k, seed, stream);
        } catch (RuntimeException e) {
            long dropped = state;
            state = 0;
            stateWords = 0;
            try {
                if (dropped != 0) {
                    kb().stream().free(dropped);
                }
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Queues one selection: three histogram and pick passes narrow the threshold key digit by digit, then the tie
     * counts (only used when the cut falls among equal keys) and the marking pass. Every pass covers the same fixed
     * ranges of 4-entry groups per block, which the tie offsets rely on. Small inputs run all of it in one block.
     */
    private void select(int kind, Tensor keys, Tensor mask, int k, long seed, long stream) {
        if (k == 0) {
            return;
        }
        long n = mask.size();
        int block = kb().blockSize();
        long groups = (n + 3) / 4;
        long src = KernelTensor.ptr(keys);
        long m = KernelTensor.ptr(mask);
        Device d = kb().stream();
        if (groups <= SMALL_ITERS * block) {
            int iters = (int) Math.max(1, ceilDiv(groups, block));
            d.launch(SELECT_SMALL, new Launch(1, 1, 1, block, 1, 1, 0), kind, src, m, n, iters, seed, stream, k,
                    ensureState(STATE_WORDS + 2L));
            return;
        }
        long wanted = Math.max(ceilDiv(groups, block * TARGET_BLOCKS), ceilDiv(MIN_GROUPS_PER_BLOCK, block));
        int iters = (int) Math.min(wanted, ceilDiv(groups, block));
        int blocks = Math.toIntExact(ceilDiv(groups, (long) block * iters));
        long st = ensureState(STATE_WORDS + blocks + 1L);
        Launch grid = new Launch(blocks, 1, 1, block, 1, 1, 0);
        Launch one = new Launch(1, 1, 1, block, 1, 1, 0);
        for (int p = 0; p < DIGITS.length; p++) {
            int shift = DIGITS[p][0];
            int bits = DIGITS[p][1];
            d.launch(HIST, grid, kind, src, m, n, iters, seed, stream, shift, bits, st);
            d.launch(PICK, one, st, shift, bits, k, p == 0 ? 1 : 0);
        }
        d.launch(COUNT, grid, kind, src, m, n, iters, seed, stream, st);
        d.launch(SCAN, one, st, blocks);
        d.launch(MARK, grid, kind, src, m, n, iters, seed, stream, st);
    }

    /** The state buffer with room for {@code words} unsigned ints; a new one starts zeroed, as the kernels need. */
    private long ensureState(long words) {
        if (stateWords < words) {
            Device d = kb().stream();
            if (state != 0) {
                d.free(state);
            }
            long grown = Math.max(words, 2 * stateWords);
            state = d.alloc(grown * Integer.BYTES);
            stateWords = grown;
        }
        return state;
    }

    @Override
    protected void applyMaskChangeImpl(Tensor oldMask, Tensor newMask, Tensor values, Tensor[] moments) {
        long n = newMask.size();
        if (n == 0) {
            return;
        }
        long[] targets = new long[4];
        Launch launch = gridStride((n + 3) / 4);
        // Four targets per launch: values and up to three moments, then the rest of the moments.
        for (int first = -1; first < moments.length; first += 4) {
            for (int t = 0; t < 4; t++) {
                int i = first + t;
                targets[t] = i >= moments.length ? 0L : KernelTensor.ptr(i < 0 ? values : moments[i]);
            }
            kb().stream().launch(MASK_CHANGE, launch, KernelTensor.ptr(oldMask), KernelTensor.ptr(newMask), n,
                    targets[0], targets[1], targets[2], targets[3]);
        }
    }

    @Override
    protected void countActiveImpl(Tensor mask, Tensor out) {
        long n = mask.size();
        Device d = kb().stream();
        d.memsetZero(KernelTensor.ptr(out), Integer.BYTES);
        if (n > 0) {
            d.launch(COUNT_ACTIVE, gridStride((n + 3) / 4), KernelTensor.ptr(mask), n, KernelTensor.ptr(out));
        }
    }

    /** A grid-stride launch over {@code items} work items, {@link #ITEMS_PER_THREAD} or more per thread. */
    private Launch gridStride(long items) {
        int block = kb().blockSize();
        long blocks = Math.min(ceilDiv(items, ITEMS_PER_THREAD * block), MAX_THREADS / block);
        return new Launch((int) Math.max(1, blocks), 1, 1, block, 1, 1, 0);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
