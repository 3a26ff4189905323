package dev.topiary.backend.cpu;

import dev.topiary.backend.Check;
import dev.topiary.backend.ElementOps;
import dev.topiary.backend.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.topiary.backend.cpu.CpuTensor.seg;
import static dev.topiary.backend.cpu.CpuVec.CHUNK;
import static dev.topiary.backend.cpu.CpuVec.chunks;
import static dev.topiary.backend.cpu.CpuVec.pool;

/**
 * Elementwise arithmetic on the Vector API, in {@link CpuVec#CHUNK}-element tasks, and data movement by row copies.
 * Every element's result depends only on its own inputs, so the split into tasks cannot change any bit.
 */
final class CpuElements extends ElementOps {
    /** Copies of at most this many bytes run on the calling thread. */
    private static final long COPY_CHUNK_BYTES = 1 << 20;

    private static final CpuPointwise.Map[] UNARY = {
        (x, y, lo, hi) -> CpuPointwise.cheap(CpuPointwise.NEG, x, y, lo, hi),
        (x, y, lo, hi) -> CpuPointwise.cheap(CpuPointwise.ABS, x, y, lo, hi),
        (x, y, lo, hi) -> CpuPointwise.cheap(CpuPointwise.SQUARE, x, y, lo, hi),
        (x, y, lo, hi) -> CpuPointwise.cheap(CpuPointwise.SQRT, x, y, lo, hi),
        CpuPointwise::exp,
        CpuPointwise::log,
        (x, y, lo, hi) -> CpuPointwise.cheap(CpuPointwise.SIGN, x, y, lo, hi),
        CpuPointwise::symlog,
        CpuPointwise::symexp,
    };

    CpuElements(CpuBackend backend) {
        super(backend);
    }

    @Override
    protected void fillImpl(Tensor t, double value) {
        MemorySegment s = seg(t);
        long n = t.size();
        switch (t.dtype()) {
            case F32 -> {
                float v = (float) value;
                if (Float.floatToRawIntBits(v) == 0) {
                    s.fill((byte) 0);
                } else {
                    CpuArith.fill(s, v, 0, n);
                }
            }
            case F64 -> {
                for (long i = 0; i < n; i++) {
                    s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, value);
                }
            }
            case I32 -> {
                int v = (int) value;
                for (long i = 0; i < n; i++) {
                    s.setAtIndex(ValueLayout.JAVA_INT, i, v);
                }
            }
            case U8 -> s.fill((byte) (int) value);
        }
    }

    @Override
    protected void copyImpl(Tensor src, Tensor dst) {
        MemorySegment s = seg(src);
        MemorySegment d = seg(dst);
        long bytes = s.byteSize();
        int tasks = (int) Math.max(1, (bytes + COPY_CHUNK_BYTES - 1) / COPY_CHUNK_BYTES);
        if (tasks == 1) {
            MemorySegment.copy(s, 0, d, 0, bytes);
        } else {
            pool(src).run(tasks, t -> {
                long lo = t * COPY_CHUNK_BYTES;
                MemorySegment.copy(s, lo, d, lo, Math.min(COPY_CHUNK_BYTES, bytes - lo));
            });
        }
    }

    @Override
    protected void axpbyImpl(float alpha, Tensor x, float beta, Tensor y, Tensor out) {
        MemorySegment xs = seg(x);
        MemorySegment ys = seg(y);
        MemorySegment o = seg(out);
        long n = x.size();
        int tasks = chunks(n);
        if (tasks == 1) {
            CpuArith.axpby(alpha, xs, beta, ys, o, 0, n);
        } else {
            pool(x).run(tasks, t -> CpuArith.axpby(alpha, xs, beta, ys, o, (long) t * CHUNK,
                    Math.min(n, (long) (t + 1) * CHUNK)));
        }
    }

    @Override
    protected void affineImpl(Tensor x, float scale, float shift, Tensor out) {
        MemorySegment xs = seg(x);
        MemorySegment o = seg(out);
        long n = x.size();
        int tasks = chunks(n);
        if (tasks == 1) {
            CpuArith.affine(xs, scale, shift, o, 0, n);
        } else {
            pool(x).run(tasks, t -> CpuArith.affine(xs, scale, shift, o, (long) t * CHUNK,
                    Math.min(n, (long) (t + 1) * CHUNK)));
        }
    }

    @Override
    protected void binaryImpl(Binary op, Tensor a, Tensor b, Tensor out) {
        int code = op.ordinal();
        if (b.sameShape(a)) {
            binaryFlat(code, a, b, out);
        } else if (b.rows() == 1 && b.cols() == 1) {
            binaryFlat(code, a, b, out);
        } else {
            binaryRows(code, a, b, out, b.rows() == 1);
        }
    }

    /** Same shape, or b a scalar: one flat range. */
    private static void binaryFlat(int code, Tensor a, Tensor b, Tensor out) {
        MemorySegment as = seg(a);
        MemorySegment bs = seg(b);
        MemorySegment o = seg(out);
        boolean scalar = !b.sameShape(a);
        long n = a.size();
        int tasks = chunks(n);
        if (tasks == 1) {
            binaryRange(code, as, bs, scalar, o, 0, n);
        } else {
            pool(a).run(tasks, t -> binaryRange(code, as, bs, scalar, o, (long) t * CHUNK,
                    Math.min(n, (long) (t + 1) * CHUNK)));
        }
    }

    private static void binaryRange(int code, MemorySegment a, MemorySegment b, boolean scalar, MemorySegment out,
                                    long lo, long hi) {
        if (scalar) {
            CpuArith.binaryScalar(code, a, lo, b.getAtIndex(CpuVec.F, 0), out, lo, hi - lo);
        } else {
            CpuArith.binary(code, a, lo, b, lo, out, lo, hi - lo);
        }
    }

    /** b a row vector (applied to every row) or a column vector (one value per row): row by row. */
    private static void binaryRows(int code, Tensor a, Tensor b, Tensor out, boolean rowVector) {
        MemorySegment as = seg(a);
        MemorySegment bs = seg(b);
        MemorySegment o = seg(out);
        int rows = a.rows();
        int cols = a.cols();
        int per = CpuVec.rowsPerTask(cols);
        int tasks = CpuVec.tasks(rows, per);
        if (tasks == 1) {
            binaryRowRange(code, as, bs, rowVector, o, cols, 0, rows);
        } else {
            pool(a).run(tasks, t -> binaryRowRange(code, as, bs, rowVector, o, cols, t * per,
                    Math.min(rows, (t + 1) * per)));
        }
    }

    private static void binaryRowRange(int code, MemorySegment a, MemorySegment b, boolean rowVector,
                                       MemorySegment out, int cols, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            long off = (long) r * cols;
            if (rowVector) {
                CpuArith.binary(code, a, off, b, 0, out, off, cols);
            } else {
                CpuArith.binaryScalar(code, a, off, b.getAtIndex(CpuVec.F, r), out, off, cols);
            }
        }
    }

    @Override
    protected void unaryImpl(Unary op, Tensor x, Tensor out) {
        CpuVec.map(pool(x), UNARY[op.ordinal()], seg(x), seg(out), x.size());
    }

    @Override
    protected void clampImpl(Tensor x, float lo, float hi, Tensor out) {
        MemorySegment xs = seg(x);
        MemorySegment o = seg(out);
        long n = x.size();
        int tasks = chunks(n);
        if (tasks == 1) {
            CpuArith.clamp(xs, lo, hi, o, 0, n);
        } else {
            pool(x).run(tasks, t -> CpuArith.clamp(xs, lo, hi, o, (long) t * CHUNK,
                    Math.min(n, (long) (t + 1) * CHUNK)));
        }
    }

    @Override
    protected void concatColsImpl(Tensor[] parts, Tensor out) {
        int start = 0;
        for (Tensor p : parts) {
            copyColumns(seg(p), p.cols(), 0, seg(out), out.cols(), start, p.cols(), out.rows());
            start += p.cols();
        }
    }

    @Override
    protected void sliceColsImpl(Tensor src, int start, Tensor out) {
        copyColumns(seg(src), src.cols(), start, seg(out), out.cols(), 0, out.cols(), out.rows());
    }

    /** Copies {@code width} float columns of every row from {@code src} at column s0 to {@code dst} at column d0. */
    private static void copyColumns(MemorySegment src, int srcCols, int s0, MemorySegment dst, int dstCols, int d0,
                                    int width, int rows) {
        long bytes = 4L * width;
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(src, 4L * ((long) r * srcCols + s0), dst, 4L * ((long) r * dstCols + d0), bytes);
        }
    }

    @Override
    protected void gatherRowsImpl(Tensor src, Tensor idx, Tensor out) {
        MemorySegment ix = seg(idx);
        int n = idx.rows();
        checkIndices("gatherRows", ix, n, src.rows());
        long rowBytes = (long) src.cols() * src.dtype().bytes;
        MemorySegment s = seg(src);
        MemorySegment o = seg(out);
        int per = (int) Math.max(1, COPY_CHUNK_BYTES / Math.max(1, rowBytes));
        int tasks = CpuVec.tasks(n, per);
        if (tasks == 1) {
            gatherRange(s, ix, o, rowBytes, 0, n);
        } else {
            pool(src).run(tasks, t -> gatherRange(s, ix, o, rowBytes, t * per, Math.min(n, (t + 1) * per)));
        }
    }

    private static void gatherRange(MemorySegment src, MemorySegment idx, MemorySegment out, long rowBytes, int i0,
                                    int i1) {
        for (int i = i0; i < i1; i++) {
            long row = idx.getAtIndex(ValueLayout.JAVA_INT, i);
            MemorySegment.copy(src, row * rowBytes, out, i * rowBytes, rowBytes);
        }
    }

    /** Runs in row order on one thread, so with duplicate indices the last row written always wins. */
    @Override
    protected void scatterRowsImpl(Tensor src, Tensor idx, Tensor out) {
        MemorySegment ix = seg(idx);
        int n = idx.rows();
        checkIndices("scatterRows", ix, n, out.rows());
        long rowBytes = (long) src.cols() * src.dtype().bytes;
        for (int i = 0; i < n; i++) {
            long row = ix.getAtIndex(ValueLayout.JAVA_INT, i);
            MemorySegment.copy(seg(src), i * rowBytes, seg(out), row * rowBytes, rowBytes);
        }
    }

    private static void checkIndices(String op, MemorySegment idx, int n, int rows) {
        for (int i = 0; i < n; i++) {
            int v = idx.getAtIndex(ValueLayout.JAVA_INT, i);
            if (v < 0 || v >= rows) {
                throw Check.fail(op, "idx[" + i + "] = " + v + " is outside [0, " + rows + ")");
            }
        }
    }
}
