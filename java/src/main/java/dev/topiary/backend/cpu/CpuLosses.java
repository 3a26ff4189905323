package dev.topiary.backend.cpu;

import dev.topiary.backend.LossOps;
import dev.topiary.backend.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import java.lang.foreign.MemorySegment;

import static dev.topiary.backend.cpu.CpuReductions.BLOCK;
import static dev.topiary.backend.cpu.CpuTensor.seg;
import static dev.topiary.backend.cpu.CpuVec.F;
import static dev.topiary.backend.cpu.CpuVec.L;
import static dev.topiary.backend.cpu.CpuVec.NO;
import static dev.topiary.backend.cpu.CpuVec.S;
import static dev.topiary.backend.cpu.CpuVec.pool;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

/**
 * Losses. Each row's terms are summed in the blocked order of {@link CpuReductions} and weighted; rows are grouped
 * into tasks of fixed size whose partials (in double) are added in task order, so the loss does not depend on the
 * thread count. The gradient is written in the same pass, after the row's values have been read, so grad may be
 * the prediction itself.
 */
final class CpuLosses extends LossOps {
    private static final int HUBER = 0;
    private static final int MSE = 1;
    private static final int CROSS_ENTROPY = 2;

    private double[] taskPartials = new double[0];

    CpuLosses(CpuBackend backend) {
        super(backend);
    }

    @Override
    protected void huberImpl(Tensor pred, Tensor target, float delta, Tensor rowWeights, Tensor loss, Tensor grad) {
        run(HUBER, pred, target, delta, rowWeights, loss, grad, pred.size());
    }

    @Override
    protected void mseImpl(Tensor pred, Tensor target, Tensor rowWeights, Tensor loss, Tensor grad) {
        run(MSE, pred, target, 0f, rowWeights, loss, grad, pred.size());
    }

    @Override
    protected void crossEntropyImpl(Tensor logits, Tensor target, Tensor rowWeights, Tensor loss, Tensor grad) {
        run(CROSS_ENTROPY, logits, target, 0f, rowWeights, loss, grad, logits.rows());
    }

    /** Sums the weighted row terms of every row over tasks, then writes total / count into loss. */
    private void run(int kind, Tensor pred, Tensor target, float delta, Tensor rowWeights, Tensor loss, Tensor grad,
                     long count) {
        MemorySegment p = seg(pred);
        MemorySegment t = seg(target);
        MemorySegment w = seg(rowWeights);
        MemorySegment g = seg(grad);
        int rows = pred.rows();
        int cols = pred.cols();
        int per = CpuVec.rowsPerTask(cols);
        int tasks = CpuVec.tasks(rows, per);
        double total;
        if (tasks == 1) {
            total = rowRange(kind, p, t, delta, w, g, cols, count, 0, rows);
        } else {
            taskPartials = CpuReductions.ensure(taskPartials, tasks);
            double[] partials = taskPartials;
            pool(pred).run(tasks, k -> partials[k] = rowRange(kind, p, t, delta, w, g, cols, count, k * per,
                    Math.min(rows, (k + 1) * per)));
            total = 0;
            for (int k = 0; k < tasks; k++) {
                total += partials[k];
            }
        }
        seg(loss).setAtIndex(F, 0, (float) (total / count));
    }

    /** Σ over rows [r0, r1), in order, of w_r times the row's term sum; writes the rows' gradients. */
    private static double rowRange(int kind, MemorySegment p, MemorySegment t, float delta, MemorySegment w,
                                   MemorySegment g, int cols, long count, int r0, int r1) {
        double total = 0;
        for (int r = r0; r < r1; r++) {
            float wr = w == null ? 1f : w.getAtIndex(F, r);
            long off = (long) r * cols;
            // The gradient of the mean: w_r / count times the derivative of the row's term.
            float scale = (float) (wr / (double) count);
            double rowSum = switch (kind) {
                case HUBER -> huberRow(p, t, g, off, cols, delta, scale);
                case MSE -> mseRow(p, t, g, off, cols, 2f * scale);
                default -> crossEntropyRow(p, t, g, off, cols, scale);
            };
            total += wr * rowSum;
        }
        return total;
    }

    /** Σ of the Huber terms of one row; writes scale · clamp(e/δ, −1, 1), the derivative, into g when given. */
    private static double huberRow(MemorySegment p, MemorySegment t, MemorySegment g, long off, int n, float delta,
                                   float scale) {
        float invDelta = 1f / delta;
        float halfDelta = 0.5f * delta;
        double total = 0;
        for (int b = 0; b < n; b += BLOCK) {
            int end = Math.min(n, b + BLOCK);
            FloatVector acc = FloatVector.zero(S);
            for (int k = b; k < end; k += L) {
                VectorMask<Float> m = S.indexInRange(k, end);
                long pos = (off + k) << 2;
                FloatVector e = fromMemorySegment(S, p, pos, NO, m).sub(fromMemorySegment(S, t, pos, NO, m));
                FloatVector a = e.abs();
                FloatVector quadratic = e.mul(e).mul(0.5f * invDelta);
                FloatVector term = a.sub(halfDelta).blend(quadratic, a.lt(delta));
                acc = acc.add(term, m);
                if (g != null) {
                    e.mul(invDelta).max(-1f).min(1f).mul(scale).intoMemorySegment(g, pos, NO, m);
                }
            }
            for (int l = 0; l < L; l++) {
                total += acc.lane(l);
            }
        }
        return total;
    }

    /** Σ e² of one row; writes scale · e into g when given (scale already holds the 2 of the derivative). */
    private static double mseRow(MemorySegment p, MemorySegment t, MemorySegment g, long off, int n, float scale) {
        double total = 0;
        for (int b = 0; b < n; b += BLOCK) {
            int end = Math.min(n, b + BLOCK);
            FloatVector acc = FloatVector.zero(S);
            for (int k = b; k < end; k += L) {
                VectorMask<Float> m = S.indexInRange(k, end);
                long pos = (off + k) << 2;
                FloatVector e = fromMemorySegment(S, p, pos, NO, m).sub(fromMemorySegment(S, t, pos, NO, m));
                acc = e.fma(e, acc);
                if (g != null) {
                    e.mul(scale).intoMemorySegment(g, pos, NO, m);
                }
            }
            for (int l = 0; l < L; l++) {
                total += acc.lane(l);
            }
        }
        return total;
    }

    /**
     * −Σ_j t_j log softmax(x)_j of one row, as −(Σ t·(x − max) − ln(Σ e^(x − max)) · Σ t); writes
     * scale · (softmax · Σt − t) into g when given, after every read of the row.
     */
    private static double crossEntropyRow(MemorySegment x, MemorySegment t, MemorySegment g, long off, int n,
                                          float scale) {
        float max = CpuReductions.max(x, off, n, false);
        double expSum = CpuSoftmax.expSum(x, null, off, n, max);
        double targetMass = CpuReductions.sum(t, off, n);
        double rowSum = CpuSoftmax.dotShifted(t, x, off, n, max) - Math.log(expSum) * targetMass;
        if (g != null) {
            CpuSoftmax.crossEntropyGradRow(x, t, g, off, n, max, (float) (targetMass / expSum), scale);
        }
        return -rowSum;
    }
}
