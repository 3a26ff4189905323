package dev.topiary.backend.cpu.gemm;

import dev.topiary.backend.SparseWeight;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.cpu.CpuPool;
import dev.topiary.backend.cpu.CpuTensor;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.function.IntConsumer;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Conversions between the dense view of a weight (values and U8 mask, rows × cols) and its compact layout (CSR plus
 * the CSC index with its permutation, see {@link SparseWeight}). Rows are handled in parallel in fixed blocks; the
 * CSC index is dealt out serially in CSR order, which makes every column list its rows in ascending order. Runs at
 * topology updates only, so it favours plain code over speed where the two conflict.
 */
public final class Compaction {
    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_PREFERRED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int ROWS_PER_TASK = 64;

    private final CpuPool pool;
    private final IntConsumer countTask = this::countTask;
    private final IntConsumer fillTask = this::fillTask;
    private final IntConsumer expandTask = this::expandTask;
    private int[] counts = new int[0];
    private int[] next = new int[0];

    // The current call's arguments (a backend runs one op at a time).
    private MemorySegment values;
    private MemorySegment mask;
    private SparseWeight w;
    private MemorySegment[] dense = new MemorySegment[0];
    private MemorySegment[] compact = new MemorySegment[0];

    public Compaction(CpuPool pool) {
        this.pool = pool;
    }

    /** See {@code SparseOps.compact}; also zeroes the unused tail [nnz, capacity) of the value arrays. */
    public void compact(Tensor values, Tensor mask, int nnz, SparseWeight dst, Tensor[] denseAligned,
                        Tensor[] compactAligned) {
        bind(values, mask, dst, denseAligned, compactAligned);
        try {
            int rows = dst.rows();
            if (counts.length < rows + 1) {
                counts = new int[rows + 1];
            }
            run(rows, countTask);
            long active = 0;
            for (int r = 0; r < rows; r++) {
                active += counts[r];
            }
            if (active != nnz) {
                throw new IllegalArgumentException("sparse.compact: the caller says nnz = " + nnz
                        + " but the mask has " + active + " active entries; the layer's nnz is out of step with its "
                        + "mask");
            }
            writeRowPointers(dst.rowPtr(), rows);
            run(rows, fillTask);
            buildColumnIndex(dst, nnz);
            zeroTail(CpuTensor.seg(dst.values()), nnz, dst.capacity());
            for (MemorySegment c : compact) {
                zeroTail(c, nnz, dst.capacity());
            }
        } finally {
            unbind();
        }
    }

    /** See {@code SparseOps.expand}: inactive entries of every dense output become zero. */
    public void expand(SparseWeight src, Tensor values, Tensor mask, Tensor[] compactAligned,
                       Tensor[] denseAligned) {
        bind(values, mask, src, denseAligned, compactAligned);
        try {
            run(src.rows(), expandTask);
        } finally {
            unbind();
        }
    }

    private void bind(Tensor values, Tensor mask, SparseWeight w, Tensor[] denseAligned, Tensor[] compactAligned) {
        int n = denseAligned == null ? 0 : denseAligned.length;
        if (dense.length != n) {
            dense = new MemorySegment[n];
            compact = new MemorySegment[n];
        }
        for (int i = 0; i < n; i++) {
            dense[i] = CpuTensor.seg(denseAligned[i]);
            compact[i] = CpuTensor.seg(compactAligned[i]);
        }
        this.values = CpuTensor.seg(values);
        this.mask = CpuTensor.seg(mask);
        this.w = w;
    }

    private void unbind() {
        values = mask = null;
        w = null;
        java.util.Arrays.fill(dense, null);
        java.util.Arrays.fill(compact, null);
    }

    private void run(int rows, IntConsumer task) {
        int tasks = (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        if ((long) rows * w.cols() < (1 << 16)) {
            for (int t = 0; t < tasks; t++) {
                task.accept(t);
            }
        } else {
            pool.run(tasks, task);
        }
    }

    private void countTask(int t) {
        int cols = w.cols();
        int r1 = Math.min(w.rows(), (t + 1) * ROWS_PER_TASK);
        for (int r = t * ROWS_PER_TASK; r < r1; r++) {
            long base = (long) r * cols;
            int count = 0;
            int c = 0;
            for (; c + BYTES.length() <= cols; c += BYTES.length()) {
                count += ByteVector.fromMemorySegment(BYTES, mask, base + c, NATIVE)
                        .compare(VectorOperators.NE, 0).trueCount();
            }
            for (; c < cols; c++) {
                count += mask.get(JAVA_BYTE, base + c) != 0 ? 1 : 0;
            }
            counts[r] = count;
        }
    }

    private void writeRowPointers(Tensor rowPtr, int rows) {
        MemorySegment ptr = CpuTensor.seg(rowPtr);
        int p = 0;
        for (int r = 0; r < rows; r++) {
            ptr.setAtIndex(JAVA_INT, r, p);
            p += counts[r];
        }
        ptr.setAtIndex(JAVA_INT, rows, p);
    }

    /**
     * Writes the CSR column indices and gathers the values of rows in the task's block. The mask is scanned a vector
     * of bytes at a time; the active lanes come out as the set bits of a long, lowest column first.
     */
    private void fillTask(int t) {
        int cols = w.cols();
        MemorySegment ptr = CpuTensor.seg(w.rowPtr());
        int r1 = Math.min(w.rows(), (t + 1) * ROWS_PER_TASK);
        int lanes = BYTES.length();
        for (int r = t * ROWS_PER_TASK; r < r1; r++) {
            long base = (long) r * cols;
            int p = ptr.getAtIndex(JAVA_INT, r);
            int c = 0;
            for (; c + lanes <= cols; c += lanes) {
                long bits = ByteVector.fromMemorySegment(BYTES, mask, base + c, NATIVE)
                        .compare(VectorOperators.NE, 0).toLong();
                for (; bits != 0; bits &= bits - 1) {
                    gather(base, c + Long.numberOfTrailingZeros(bits), p++);
                }
            }
            for (; c < cols; c++) {
                if (mask.get(JAVA_BYTE, base + c) != 0) {
                    gather(base, c, p++);
                }
            }
        }
    }

    /** CSR entry p is column c of the row starting at flat index {@code base}. */
    private void gather(long base, int c, int p) {
        CpuTensor.seg(w.colIdx()).setAtIndex(JAVA_INT, p, c);
        CpuTensor.seg(w.values()).setAtIndex(JAVA_FLOAT, p, values.getAtIndex(JAVA_FLOAT, base + c));
        for (int a = 0; a < dense.length; a++) {
            compact[a].setAtIndex(JAVA_FLOAT, p, dense[a].getAtIndex(JAVA_FLOAT, base + c));
        }
    }

    /** CSC by counting sort of the CSR entries on their column; rows stay ascending within each column. */
    private void buildColumnIndex(SparseWeight dst, int nnz) {
        int cols = dst.cols();
        if (next.length < cols + 1) {
            next = new int[cols + 1];
        }
        java.util.Arrays.fill(next, 0, cols + 1, 0);
        MemorySegment colIdx = CpuTensor.seg(dst.colIdx());
        for (int p = 0; p < nnz; p++) {
            next[colIdx.getAtIndex(JAVA_INT, p) + 1]++;
        }
        MemorySegment colPtr = CpuTensor.seg(dst.colPtr());
        for (int c = 0; c < cols; c++) {
            next[c + 1] += next[c];
        }
        for (int c = 0; c <= cols; c++) {
            colPtr.setAtIndex(JAVA_INT, c, next[c]);
        }
        MemorySegment rowPtr = CpuTensor.seg(dst.rowPtr());
        MemorySegment rowIdx = CpuTensor.seg(dst.rowIdx());
        MemorySegment perm = CpuTensor.seg(dst.perm());
        for (int r = 0; r < dst.rows(); r++) {
            int end = rowPtr.getAtIndex(JAVA_INT, r + 1);
            for (int p = rowPtr.getAtIndex(JAVA_INT, r); p < end; p++) {
                int q = next[colIdx.getAtIndex(JAVA_INT, p)]++;
                rowIdx.setAtIndex(JAVA_INT, q, r);
                perm.setAtIndex(JAVA_INT, q, p);
            }
        }
    }

    private static void zeroTail(MemorySegment seg, int from, int to) {
        if (to > from) {
            seg.asSlice((long) from * Float.BYTES, (long) (to - from) * Float.BYTES).fill((byte) 0);
        }
    }

    /** Clears the task's rows of the dense outputs, then scatters their CSR entries into them. */
    private void expandTask(int t) {
        int cols = w.cols();
        int r0 = t * ROWS_PER_TASK;
        int r1 = Math.min(w.rows(), r0 + ROWS_PER_TASK);
        long from = (long) r0 * cols;
        long len = (long) (r1 - r0) * cols;
        values.asSlice(from * Float.BYTES, len * Float.BYTES).fill((byte) 0);
        mask.asSlice(from, len).fill((byte) 0);
        for (MemorySegment d : dense) {
            d.asSlice(from * Float.BYTES, len * Float.BYTES).fill((byte) 0);
        }
        MemorySegment ptr = CpuTensor.seg(w.rowPtr());
        MemorySegment colIdx = CpuTensor.seg(w.colIdx());
        MemorySegment in = CpuTensor.seg(w.values());
        for (int r = r0; r < r1; r++) {
            int end = ptr.getAtIndex(JAVA_INT, r + 1);
            for (int p = ptr.getAtIndex(JAVA_INT, r); p < end; p++) {
                long at = (long) r * cols + colIdx.getAtIndex(JAVA_INT, p);
                values.setAtIndex(JAVA_FLOAT, at, in.getAtIndex(JAVA_FLOAT, p));
                mask.set(JAVA_BYTE, at, (byte) 1);
                for (int a = 0; a < dense.length; a++) {
                    dense[a].setAtIndex(JAVA_FLOAT, at, compact[a].getAtIndex(JAVA_FLOAT, p));
                }
            }
        }
    }
}
