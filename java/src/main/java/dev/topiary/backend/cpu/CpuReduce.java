package dev.topiary.backend.cpu;

import dev.topiary.backend.ReduceOps;
import dev.topiary.backend.Tensor;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

import static dev.topiary.backend.cpu.CpuReductions.COL_BLOCK_ROWS;
import static dev.topiary.backend.cpu.CpuTensor.seg;
import static dev.topiary.backend.cpu.CpuVec.F;
import static dev.topiary.backend.cpu.CpuVec.L;
import static dev.topiary.backend.cpu.CpuVec.NO;
import static dev.topiary.backend.cpu.CpuVec.S;
import static dev.topiary.backend.cpu.CpuVec.pool;
import static jdk.incubator.vector.VectorOperators.F2D;

/**
 * Reductions, summed as {@link CpuReductions} describes (in double lanes). A whole-tensor reduction is cut into
 * tasks of {@link #TASK_ELEMENTS} elements; each task's partial goes into its own slot and the slots are combined in
 * task order, so the result is the same for any number of threads. Column reductions keep a double partial per
 * block of 32 rows and combine the blocks in order.
 */
final class CpuReduce extends ReduceOps {
    /** Elements per task of a whole-tensor reduction. */
    private static final long TASK_ELEMENTS = 1 << 16;

    private double[] taskPartials = new double[0];
    private double[] colPartials = new double[0];

    CpuReduce(CpuBackend backend) {
        super(backend);
    }

    /** The reduction of an empty range: −∞ for MAX, +∞ for MIN, 0 for the others. */
    private static double identity(Kind kind) {
        return kind == Kind.MAX ? Double.NEGATIVE_INFINITY : kind == Kind.MIN ? Double.POSITIVE_INFINITY : 0.0;
    }

    /** Reduces x[off .. off+n) without the final division of MEAN. */
    static double range(Kind kind, MemorySegment x, long off, long n) {
        return switch (kind) {
            case SUM, MEAN -> CpuReductions.sum(x, off, n);
            case SUM_SQUARES -> CpuReductions.dot(x, off, x, off, n);
            case MAX -> CpuReductions.max(x, off, n, false);
            case MIN -> CpuReductions.min(x, off, n);
            case MAX_ABS -> CpuReductions.max(x, off, n, true);
        };
    }

    /** Combines two partial reductions: sums add, extremes take the extreme (NaN wins). */
    private static double combine(Kind kind, double a, double b) {
        return switch (kind) {
            case SUM, MEAN, SUM_SQUARES -> a + b;
            case MAX, MAX_ABS -> Math.max(a, b);
            case MIN -> Math.min(a, b);
        };
    }

    private static double finish(Kind kind, double v, long count) {
        return kind == Kind.MEAN && count > 0 ? v / count : v;
    }

    @Override
    protected void allImpl(Kind kind, Tensor x, Tensor out) {
        MemorySegment xs = seg(x);
        long n = x.size();
        long perTask = TASK_ELEMENTS;
        int tasks = (int) Math.max(1, (n + perTask - 1) / perTask);
        double total;
        if (tasks == 1) {
            total = range(kind, xs, 0, n);
        } else {
            taskPartials = CpuReductions.ensure(taskPartials, tasks);
            double[] partials = taskPartials;
            pool(x).run(tasks, t -> partials[t] = range(kind, xs, t * perTask, Math.min(perTask, n - t * perTask)));
            total = partials[0];
            for (int t = 1; t < tasks; t++) {
                total = combine(kind, total, partials[t]);
            }
        }
        seg(out).setAtIndex(F, 0, (float) finish(kind, total, n));
    }

    @Override
    protected void colsImpl(Kind kind, Tensor x, float beta, Tensor out) {
        int rows = x.rows();
        int cols = x.cols();
        int blocks = CpuReductions.colBlocks(rows);
        colPartials = CpuReductions.ensure(colPartials, blocks * cols);
        double[] partials = colPartials;
        MemorySegment xs = seg(x);
        int perTask = Math.max(1, CpuVec.CHUNK / (COL_BLOCK_ROWS * Math.max(1, cols)));
        int tasks = CpuVec.tasks(blocks, perTask);
        if (tasks == 1) {
            colBlocks(kind, xs, rows, cols, partials, 0, blocks);
        } else {
            pool(x).run(tasks, t -> colBlocks(kind, xs, rows, cols, partials, t * perTask,
                    Math.min(blocks, (t + 1) * perTask)));
        }
        MemorySegment o = seg(out);
        for (int c = 0; c < cols; c++) {
            double v = identity(kind);
            for (int b = 0; b < blocks; b++) {
                v = combine(kind, v, partials[b * cols + c]);
            }
            v = finish(kind, v, rows);
            // beta = 0 does not read out, so whatever it held (even NaN) cannot leak through 0·NaN.
            o.setAtIndex(F, c, (float) (beta == 0 ? v : v + beta * (double) o.getAtIndex(F, c)));
        }
    }

    /** Column partials of row blocks [b0, b1): block b's reduction of column c goes to partials[b·cols + c]. */
    private static void colBlocks(Kind kind, MemorySegment x, int rows, int cols, double[] partials, int b0, int b1) {
        for (int b = b0; b < b1; b++) {
            int base = b * cols;
            java.util.Arrays.fill(partials, base, base + cols, identity(kind));
            int rEnd = Math.min(rows, (b + 1) * COL_BLOCK_ROWS);
            for (int r = b * COL_BLOCK_ROWS; r < rEnd; r++) {
                accumulateRow(kind, x, (long) r * cols, cols, partials, base);
            }
        }
    }

    /** p[base + c] = p[base + c] ⊕ f(x[off + c]) for every column c, in double (exact for every kind but sums). */
    private static void accumulateRow(Kind kind, MemorySegment x, long off, int cols, double[] p, int base) {
        int half = CpuReductions.D.length();
        int c = 0;
        for (; c + L <= cols; c += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, (off + c) << 2, NO);
            DoubleVector lo = (DoubleVector) v.convertShape(F2D, CpuReductions.D, 0);
            DoubleVector hi = (DoubleVector) v.convertShape(F2D, CpuReductions.D, 1);
            DoubleVector accLo = DoubleVector.fromArray(CpuReductions.D, p, base + c);
            DoubleVector accHi = DoubleVector.fromArray(CpuReductions.D, p, base + c + half);
            switch (kind) {
                case SUM, MEAN -> {
                    accLo = accLo.add(lo);
                    accHi = accHi.add(hi);
                }
                case SUM_SQUARES -> {
                    accLo = lo.fma(lo, accLo);
                    accHi = hi.fma(hi, accHi);
                }
                case MAX -> {
                    accLo = accLo.max(lo);
                    accHi = accHi.max(hi);
                }
                case MIN -> {
                    accLo = accLo.min(lo);
                    accHi = accHi.min(hi);
                }
                case MAX_ABS -> {
                    accLo = accLo.max(lo.abs());
                    accHi = accHi.max(hi.abs());
                }
            }
            accLo.intoArray(p, base + c);
            accHi.intoArray(p, base + c + half);
        }
        for (; c < cols; c++) {
            p[base + c] = combine(kind, p[base + c], term(kind, x.getAtIndex(F, off + c)));
        }
    }

    /** What one element contributes: itself, its square or its magnitude. */
    private static double term(Kind kind, double v) {
        return switch (kind) {
            case SUM_SQUARES -> v * v;
            case MAX_ABS -> Math.abs(v);
            default -> v;
        };
    }

    @Override
    protected void rowsImpl(Kind kind, Tensor x, Tensor out) {
        MemorySegment xs = seg(x);
        MemorySegment o = seg(out);
        int rows = x.rows();
        int cols = x.cols();
        int per = CpuVec.rowsPerTask(cols);
        int tasks = CpuVec.tasks(rows, per);
        if (tasks == 1) {
            rowRange(kind, xs, o, cols, 0, rows);
        } else {
            pool(x).run(tasks, t -> rowRange(kind, xs, o, cols, t * per, Math.min(rows, (t + 1) * per)));
        }
    }

    private static void rowRange(Kind kind, MemorySegment x, MemorySegment out, int cols, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            out.setAtIndex(F, r, (float) finish(kind, range(kind, x, (long) r * cols, cols), cols));
        }
    }

    @Override
    protected void argmaxRowsImpl(Tensor x, Tensor out) {
        MemorySegment xs = seg(x);
        MemorySegment o = seg(out);
        int rows = x.rows();
        int cols = x.cols();
        int per = CpuVec.rowsPerTask(cols);
        int tasks = CpuVec.tasks(rows, per);
        if (tasks == 1) {
            argmaxRange(xs, o, cols, 0, rows);
        } else {
            pool(x).run(tasks, t -> argmaxRange(xs, o, cols, t * per, Math.min(rows, (t + 1) * per)));
        }
    }

    /** Scalar scan: the first strictly larger value moves the index, so ties keep the lowest; the first NaN wins. */
    private static void argmaxRange(MemorySegment x, MemorySegment out, int cols, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            long off = (long) r * cols;
            int best = 0;
            float bestValue = x.getAtIndex(F, off);
            for (int j = 1; j < cols && !Float.isNaN(bestValue); j++) {
                float v = x.getAtIndex(F, off + j);
                if (v > bestValue || Float.isNaN(v)) {
                    best = j;
                    bestValue = v;
                }
            }
            out.setAtIndex(java.lang.foreign.ValueLayout.JAVA_INT, r, best);
        }
    }
}
