package dev.topiary.backend.kernel;

/**
 * Launch shapes and scratch buffers shared by the element, NN, loss and reduction kernels ({@code kernels/common.cuh}
 * describes the row groups and column tiles the kernels expect). Every shape is a function of the tensor's shape and
 * the backend's block size only, so a backend reduces in the same order on every run.
 */
final class KernelElementsSupport {
    /** Most threads of a grid-stride launch: about one wave of an H100 (132 SMs × 2048 threads). */
    static final long MAX_THREADS = 1 << 18;
    /** Work items (float4 groups, lines, elements) per thread before a grid-stride launch stops adding blocks. */
    static final long ITEMS_PER_THREAD = 4;
    /** Most blocks of a reduction's first pass, hence most partials its final pass adds. */
    static final int MAX_PARTIALS = 1024;
    /** Rows at least this long, when there are fewer than {@link #MANY_ROWS}, get a whole block per row. */
    static final int LONG_ROW = 512;
    static final int MANY_ROWS = 4096;
    /** Most blocks of a row-group launch (each group then takes several rows). */
    static final int MAX_ROW_BLOCKS = 8192;
    /** Rows each row lane of a column tile should take at least, before a column launch adds chunks. */
    static final int ROWS_PER_LANE = 16;

    private KernelElementsSupport() {
    }

    /** A one-dimensional grid-stride launch over {@code items} work items, {@link #ITEMS_PER_THREAD} or more each. */
    static Launch gridStride(int block, long items) {
        long perBlock = ITEMS_PER_THREAD * block;
        long blocks = Math.min((items + perBlock - 1) / perBlock, MAX_THREADS / block);
        return new Launch((int) Math.max(1, blocks), 1, 1, block, 1, 1, 0);
    }

    /**
     * The first pass of a two-pass reduction over {@code n} elements: 32 or more elements per thread, so fewer
     * partials for the final pass (16M elements still fill an H100 with 1024 blocks), at most {@link #MAX_PARTIALS}
     * blocks.
     */
    static Launch partialBlocks(int block, long n) {
        long perBlock = 2 * ITEMS_PER_THREAD * 4L * block;
        long blocks = Math.min((n + perBlock - 1) / perBlock, MAX_PARTIALS);
        return new Launch((int) Math.max(1, blocks), 1, 1, block, 1, 1, 0);
    }

    /**
     * Row groups for {@code rows} rows of {@code cols}: a warp per row (blocks of 32 × block/32), or, for long rows
     * that are too few to fill the GPU with warps, a whole block per row (block × 1). Callers skip rows = 0.
     */
    static Launch rowGroups(int block, int rows, int cols) {
        if (cols >= LONG_ROW && rows < MANY_ROWS && block > 32) {
            return new Launch(Math.min(rows, MAX_ROW_BLOCKS), 1, 1, block, 1, 1, 0);
        }
        int perBlock = block / 32;
        int blocks = (int) Math.min((rows + (long) perBlock - 1) / perBlock, MAX_ROW_BLOCKS);
        return new Launch(Math.max(1, blocks), 1, 1, 32, perBlock, 1, 0);
    }

    /**
     * A column reduction: tiles of 32 columns (grid x) by chunks of {@code chunkRows} rows (grid y); chunks > 1 means
     * the kernel writes [chunk][cols] partials for a final pass.
     */
    record Columns(Launch launch, int chunkRows, int chunks) {
    }

    static Columns columns(int block, int rows, int cols) {
        int tiles = (cols + 31) / 32;
        long lanes = block / 32;
        long wanted = Math.max(1, (rows + lanes * ROWS_PER_LANE - 1) / (lanes * ROWS_PER_LANE));
        int chunks = (int) Math.min(wanted, Math.max(1, MAX_PARTIALS / tiles));
        int chunkRows = (int) Math.max(1, ((long) rows + chunks - 1) / chunks);
        chunks = (int) Math.max(1, ((long) rows + chunkRows - 1) / chunkRows);
        return new Columns(new Launch(tiles, chunks, 1, block, 1, 1, 0), chunkRows, chunks);
    }

    /** A device buffer owned by one op family, grown (never shrunk) on demand and kept for later calls. */
    static final class Scratch {
        private final KernelBackend backend;
        private long ptr;
        private long bytes;

        Scratch(KernelBackend backend) {
            this.backend = backend;
        }

        /**
         * The buffer with room for {@code need} bytes. Growing frees the old buffer: work already queued on the
         * stream still runs before the memory is handed out again.
         */
        long ensure(long need) {
            if (bytes < need) {
                Device d = backend.stream();
                if (ptr != 0) {
                    d.free(ptr);
                }
                long grown = Math.max(need, 2 * bytes);
                ptr = d.alloc(grown);
                bytes = grown;
            }
            return ptr;
        }
    }
}
