package dev.topiary.backend.kernel;

import dev.topiary.backend.SparseWeight;
import dev.topiary.backend.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.topiary.backend.kernel.ArgType.I32;
import static dev.topiary.backend.kernel.ArgType.PTR;
import static dev.topiary.backend.kernel.KernelTensor.ptr;

/**
 * {@code sparse.compact} and {@code sparse.expand} on the kernels of {@code kernels/layout.cu}: the mask is packed
 * into 32-column words with per-word offsets, row and column counts are scanned, and every CSR and CSC entry is
 * placed by counting, so the layout is exactly the reference's (rows then columns ascending; each column's rows
 * ascending). The one host round trip is the 4-byte active count, read before anything of the destination is
 * written so that a caller's wrong {@code nnz} is rejected as on the other backends. Runs at topology updates only.
 */
final class KernelSparseLayout {
    private static final Kernel ROW_BITS = Kernel.of("layout_row_bits", PTR, I32, I32, I32, I32, PTR, PTR, PTR);
    private static final Kernel SCAN = Kernel.of("layout_scan", PTR, I32, PTR);
    private static final Kernel COL_BLOCK_COUNTS = Kernel.of("layout_col_block_counts", PTR, I32, I32, I32, I32,
            PTR);
    private static final Kernel COL_BLOCK_SCAN = Kernel.of("layout_col_block_scan", PTR, I32, I32, PTR);
    private static final Kernel GATHER = Kernel.of("layout_gather", PTR, PTR, PTR, I32, I32, I32, I32, PTR, PTR,
            PTR, PTR, PTR, PTR, PTR, PTR);
    private static final Kernel FILL_CSC = Kernel.of("layout_fill_csc", PTR, PTR, PTR, PTR, PTR, I32, I32, I32, I32,
            PTR, PTR);
    private static final Kernel EXPAND = Kernel.of("layout_expand", PTR, PTR, I32, I32, I32, PTR, PTR, PTR, PTR,
            PTR, PTR, PTR);
    /** The scan kernel's fixed block (LAYOUT_SCAN_THREADS in layout.cu). */
    private static final Launch SCAN_LAUNCH = new Launch(1, 1, 1, 256, 1, 1, 0);
    /** Rows per CSC placement block (LAYOUT_ROW_BLOCK in layout.cu). */
    private static final int ROW_BLOCK = 32;
    private static final long ALIGN = 256;

    private final KernelBackend backend;
    private final KernelBlasScratch scratch;
    /** Native (not heap) memory, which every device's host copies accept. */
    private final MemorySegment totalHost = Arena.ofAuto().allocate(Integer.BYTES, Integer.BYTES);

    KernelSparseLayout(KernelBackend backend) {
        this.backend = backend;
        this.scratch = new KernelBlasScratch(backend.stream());
    }

    /** Device addresses of the scratch arrays of one compaction, carved from one buffer. */
    private record Work(long bits, long before, long count, long start, long blockCount, long colCount) {
    }

    private Work carve(int rows, int cols, int words, int blocks) {
        long[] sizes = {(long) rows * words, (long) rows * words, rows, rows + 1L, (long) blocks * cols, cols};
        long[] at = new long[sizes.length];
        long bytes = 0;
        for (int i = 0; i < sizes.length; i++) {
            at[i] = bytes;
            bytes += (sizes[i] * Integer.BYTES + ALIGN - 1) / ALIGN * ALIGN;
        }
        long base = scratch.ensure(bytes);
        return new Work(base + at[0], base + at[1], base + at[2], base + at[3], base + at[4], base + at[5]);
    }

    void compact(Tensor values, Tensor mask, int nnz, SparseWeight dst, Tensor[] denseAligned,
                 Tensor[] compactAligned) {
        Device device = backend.stream();
        int rows = dst.rows();
        int cols = dst.cols();
        int words = ceilDiv(cols, 32);
        int blocks = ceilDiv(rows, ROW_BLOCK);
        int lanes = lanesPerRow(cols);
        Work s = carve(rows, cols, words, blocks);
        Launch perRow = perRow(rows, lanes);
        device.launch(ROW_BITS, perRow, ptr(mask), rows, cols, words, lanes, s.bits(), s.before(), s.count());
        device.launch(SCAN, SCAN_LAUNCH, s.count(), rows, s.start());
        device.copyToHost(s.start() + (long) rows * Integer.BYTES, totalHost, Integer.BYTES);
        int active = totalHost.get(ValueLayout.JAVA_INT, 0);
        if (active != nnz) {
            throw new IllegalArgumentException("sparse.compact: the caller says nnz = " + nnz + " but the mask has "
                    + active + " active entries; the layer's nnz is out of step with its mask");
        }
        Launch perColumnBlock = Launch.cover((long) blocks * cols, backend.blockSize());
        device.launch(COL_BLOCK_COUNTS, perColumnBlock, s.bits(), rows, cols, words, blocks, s.blockCount());
        device.launch(COL_BLOCK_SCAN, Launch.cover(cols, backend.blockSize()), s.blockCount(), blocks, cols,
                s.colCount());
        device.launch(SCAN, SCAN_LAUNCH, s.colCount(), cols, ptr(dst.colPtr()));
        long[][] pairs = pairs(ptr(values), ptr(dst.values()), denseAligned, compactAligned);
        long[] from = pairs[0];
        long[] to = pairs[1];
        // The values and up to two aligned arrays per pass over the packed mask.
        for (int i = 0; i < from.length; i += 3) {
            boolean firstPass = i == 0;
            device.launch(GATHER, perRow, s.bits(), s.before(), s.start(), rows, cols, words, lanes,
                    firstPass ? ptr(dst.colIdx()) : 0L, firstPass ? ptr(dst.rowPtr()) : 0L, from[i], to[i],
                    at(from, i + 1), at(to, i + 1), at(from, i + 2), at(to, i + 2));
        }
        for (long t : to) {
            zeroTail(t, nnz, dst.capacity());
        }
        device.launch(FILL_CSC, perColumnBlock, s.bits(), s.before(), s.start(), ptr(dst.colPtr()), s.blockCount(),
                rows, cols, words, blocks, ptr(dst.rowIdx()), ptr(dst.perm()));
    }

    /** {from, to}: the device addresses of (first, firstTo) followed by the aligned pairs. */
    private static long[][] pairs(long first, long firstTo, Tensor[] src, Tensor[] dst) {
        int n = src == null ? 0 : src.length;
        long[] from = new long[n + 1];
        long[] to = new long[n + 1];
        from[0] = first;
        to[0] = firstTo;
        for (int i = 0; i < n; i++) {
            from[i + 1] = ptr(src[i]);
            to[i + 1] = ptr(dst[i]);
        }
        return new long[][] {from, to};
    }

    private static long at(long[] a, int i) {
        return i < a.length ? a[i] : 0L;
    }

    private void zeroTail(long ptr, int from, int to) {
        if (to > from) {
            backend.stream().memsetZero(ptr + (long) from * Float.BYTES, (long) (to - from) * Float.BYTES);
        }
    }

    /** Lanes that handle one row: narrow rows (at most 8 or 16 columns) share a warp, 4 or 2 to a warp. */
    private static int lanesPerRow(int cols) {
        return cols <= 8 ? 8 : cols <= 16 ? 16 : 32;
    }

    private Launch perRow(int rows, int lanes) {
        long warps = ceilDiv(rows, 32 / lanes);
        return Launch.cover(warps * 32, backend.blockSize());
    }

    void expand(SparseWeight src, Tensor values, Tensor mask, Tensor[] compactAligned, Tensor[] denseAligned) {
        Device device = backend.stream();
        int rows = src.rows();
        int cols = src.cols();
        long dense = (long) rows * cols;
        long[][] pairs = pairs(ptr(src.values()), ptr(values), compactAligned, denseAligned);
        long[] from = pairs[0];
        long[] to = pairs[1];
        device.memsetZero(ptr(mask), dense);
        for (long t : to) {
            device.memsetZero(t, dense * Float.BYTES);
        }
        int lanes = lanesPerRow(cols);
        Launch perRow = perRow(rows, lanes);
        for (int i = 0; i < from.length; i += 3) {
            device.launch(EXPAND, perRow, ptr(src.rowPtr()), ptr(src.colIdx()), rows, cols, lanes,
                    i == 0 ? ptr(mask) : 0L, from[i], to[i], at(from, i + 1), at(to, i + 1), at(from, i + 2),
                    at(to, i + 2));
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    void close() {
        scratch.release();
    }
}
