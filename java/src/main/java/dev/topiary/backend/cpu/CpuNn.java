package dev.topiary.backend.cpu;

import dev.topiary.backend.NnOps;
import dev.topiary.backend.Philox;
import dev.topiary.backend.Tensor;

import java.lang.foreign.MemorySegment;

import static dev.topiary.backend.cpu.CpuReductions.COL_BLOCK_ROWS;
import static dev.topiary.backend.cpu.CpuTensor.seg;
import static dev.topiary.backend.cpu.CpuVec.F;
import static dev.topiary.backend.cpu.CpuVec.pool;

/**
 * Activations, LayerNorm, softmax and two-hot encoding. Row ops run in tasks of whole rows sized by the row length;
 * the LayerNorm parameter gradients go through per-block partials combined in block order, so no result depends on
 * the thread count. Scratch arrays grow on first use and are reused (ops on one backend run one at a time).
 */
final class CpuNn extends NnOps {
    private static final CpuPointwise.Map[] FORWARD = {
        null,
        (x, y, lo, hi) -> CpuPointwise.cheap(CpuPointwise.RELU, x, y, lo, hi),
        CpuPointwise::elu,
        CpuPointwise::tanh,
        CpuPointwise::softplus,
    };
    private static final CpuPointwise.Derivative[] BACKWARD = {
        null,
        CpuPointwise::reluBackward,
        CpuPointwise::eluBackward,
        CpuPointwise::tanhBackward,
        CpuPointwise::softplusBackward,
    };

    private double[] gammaPartials = new double[0];
    private double[] betaPartials = new double[0];
    private double[][] gumbelScratch = new double[0][];
    private int[][] philoxWords = new int[0][];

    CpuNn(CpuBackend backend) {
        super(backend);
    }

    @Override
    protected void activationImpl(Activation f, Tensor x, Tensor y) {
        if (f == Activation.IDENTITY) {
            copyIfDistinct(x, y);
        } else {
            CpuVec.map(pool(x), FORWARD[f.ordinal()], seg(x), seg(y), x.size());
        }
    }

    @Override
    protected void activationBackwardImpl(Activation f, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        if (f == Activation.IDENTITY) {
            copyIfDistinct(dy, dx);
        } else {
            CpuVec.map(pool(x), BACKWARD[f.ordinal()], seg(x), seg(y), seg(dy), seg(dx), x.size());
        }
    }

    private void copyIfDistinct(Tensor src, Tensor dst) {
        if (src != dst) {
            backend.elements().copy(src, dst);
        }
    }

    @Override
    protected void layerNormImpl(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y, Tensor mean, Tensor rstd) {
        MemorySegment xs = seg(x);
        MemorySegment g = seg(gamma);
        MemorySegment b = seg(beta);
        MemorySegment ys = seg(y);
        MemorySegment ms = seg(mean);
        MemorySegment rs = seg(rstd);
        int n = x.cols();
        int rows = x.rows();
        int per = CpuVec.rowsPerTask(n);
        int tasks = CpuVec.tasks(rows, per);
        if (tasks == 1) {
            layerNormRows(xs, g, b, eps, ys, ms, rs, n, 0, rows);
        } else {
            pool(x).run(tasks, t -> layerNormRows(xs, g, b, eps, ys, ms, rs, n, t * per,
                    Math.min(rows, (t + 1) * per)));
        }
    }

    private static void layerNormRows(MemorySegment x, MemorySegment g, MemorySegment b, float eps, MemorySegment y,
                                      MemorySegment mean, MemorySegment rstd, int n, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            CpuLayerNorm.forwardRow(x, g, b, eps, y, mean, rstd, r, n);
        }
    }

    @Override
    protected void layerNormBackwardImpl(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dx,
                                         Tensor dgamma, Tensor dbeta) {
        int rows = x.rows();
        int n = x.cols();
        int blocks = CpuReductions.colBlocks(rows);
        boolean affine = gamma != null;
        if (affine) {
            gammaPartials = CpuReductions.ensure(gammaPartials, blocks * n);
            betaPartials = CpuReductions.ensure(betaPartials, blocks * n);
        }
        int perTask = Math.max(1, CpuVec.CHUNK / (COL_BLOCK_ROWS * Math.max(1, n)));
        int tasks = CpuVec.tasks(blocks, perTask);
        if (tasks == 1) {
            backwardBlocks(dy, x, gamma, mean, rstd, dx, 0, blocks);
        } else {
            pool(x).run(tasks, t -> backwardBlocks(dy, x, gamma, mean, rstd, dx, t * perTask,
                    Math.min(blocks, (t + 1) * perTask)));
        }
        if (affine) {
            for (int j = 0; j < n; j++) {
                seg(dgamma).setAtIndex(F, j, (float) CpuReductions.combineColumn(gammaPartials, blocks, n, j));
                seg(dbeta).setAtIndex(F, j, (float) CpuReductions.combineColumn(betaPartials, blocks, n, j));
            }
        }
    }

    /** Row blocks [b0, b1): dx of every row and, with gamma, each block's gradient partials. */
    private void backwardBlocks(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dx, int b0,
                                int b1) {
        MemorySegment d = seg(dy);
        MemorySegment xs = seg(x);
        MemorySegment g = seg(gamma);
        int n = x.cols();
        for (int blk = b0; blk < b1; blk++) {
            if (g != null) {
                java.util.Arrays.fill(gammaPartials, blk * n, (blk + 1) * n, 0.0);
                java.util.Arrays.fill(betaPartials, blk * n, (blk + 1) * n, 0.0);
            }
            int rEnd = Math.min(x.rows(), (blk + 1) * COL_BLOCK_ROWS);
            for (int r = blk * COL_BLOCK_ROWS; r < rEnd; r++) {
                long off = (long) r * n;
                float m = seg(mean).getAtIndex(F, r);
                float rs = seg(rstd).getAtIndex(F, r);
                float a = (float) (CpuLayerNorm.sumG(d, g, off, n) / n);
                float b = (float) (rs * CpuLayerNorm.sumGCentered(d, g, xs, off, n, m) / n);
                if (g != null) {
                    CpuLayerNorm.accumulateAffine(d, xs, off, n, m, rs, gammaPartials, betaPartials, blk * n);
                }
                CpuLayerNorm.writeDx(d, g, xs, seg(dx), off, n, m, rs, a, b);
            }
        }
    }

    @Override
    protected void softmaxImpl(Tensor x, Tensor y, boolean log) {
        MemorySegment xs = seg(x);
        MemorySegment ys = seg(y);
        int n = x.cols();
        int rows = x.rows();
        int per = CpuVec.rowsPerTask(n);
        int tasks = CpuVec.tasks(rows, per);
        if (tasks == 1) {
            softmaxRows(xs, ys, n, log, 0, rows);
        } else {
            pool(x).run(tasks, t -> softmaxRows(xs, ys, n, log, t * per, Math.min(rows, (t + 1) * per)));
        }
    }

    private static void softmaxRows(MemorySegment x, MemorySegment y, int n, boolean log, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            CpuSoftmax.row(x, y, (long) r * n, n, log);
        }
    }

    @Override
    protected void softmaxBackwardImpl(Tensor y, Tensor dy, Tensor dx, boolean log) {
        MemorySegment ys = seg(y);
        MemorySegment d = seg(dy);
        MemorySegment o = seg(dx);
        int n = y.cols();
        int rows = y.rows();
        int per = CpuVec.rowsPerTask(n);
        int tasks = CpuVec.tasks(rows, per);
        if (tasks == 1) {
            softmaxBackwardRows(ys, d, o, n, log, 0, rows);
        } else {
            pool(y).run(tasks, t -> softmaxBackwardRows(ys, d, o, n, log, t * per, Math.min(rows, (t + 1) * per)));
        }
    }

    private static void softmaxBackwardRows(MemorySegment y, MemorySegment dy, MemorySegment dx, int n, boolean log,
                                            int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            if (log) {
                CpuSoftmax.logBackwardRow(y, dy, dx, (long) r * n, n);
            } else {
                CpuSoftmax.backwardRow(y, dy, dx, (long) r * n, n);
            }
        }
    }

    @Override
    protected void gumbelSoftmaxImpl(Tensor logits, float tau, long seed, long stream, Tensor y) {
        MemorySegment xs = seg(logits);
        MemorySegment ys = seg(y);
        int n = logits.cols();
        int rows = logits.rows();
        int per = CpuVec.rowsPerTask(n);
        int tasks = CpuVec.tasks(rows, per);
        if (gumbelScratch.length < tasks || gumbelScratch[0].length < n) {
            gumbelScratch = new double[tasks][n];
            philoxWords = new int[tasks][4];
        }
        double[][] scratch = gumbelScratch;
        int[][] words = philoxWords;
        if (tasks == 1) {
            gumbelRows(xs, ys, n, tau, seed, stream, scratch[0], words[0], 0, rows);
        } else {
            pool(y).run(tasks, t -> gumbelRows(xs, ys, n, tau, seed, stream, scratch[t], words[t], t * per,
                    Math.min(rows, (t + 1) * per)));
        }
    }

    /**
     * Gumbel-softmax of rows [r0, r1) in double, rounded once at the end: the perturbed logits (x + g)/tau can be
     * large for small tau, and rounding them to float first would cost their softmax several ulps.
     */
    private static void gumbelRows(MemorySegment x, MemorySegment y, int n, float tau, long seed, long stream,
                                   double[] z, int[] words, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            long off = (long) r * n;
            double max = perturbRow(x, off, n, tau, seed, stream, words, z);
            double sum = 0;
            for (int j = 0; j < n; j++) {
                z[j] = Math.exp(z[j] - max);
                sum += z[j];
            }
            for (int j = 0; j < n; j++) {
                y.setAtIndex(F, off + j, (float) (z[j] / sum));
            }
        }
    }

    /**
     * z = (x + g)/tau over one row, with g = −ln(−ln u) and u the open-interval uniform of the Philox word at each
     * element's flat index; one Philox block gives the words of four consecutive indices. Returns max z.
     */
    private static double perturbRow(MemorySegment x, long off, int n, float tau, long seed, long stream,
                                     int[] words, double[] z) {
        long block = -1;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            long i = off + j;
            if (i >>> 2 != block) {
                block = i >>> 2;
                Philox.block(seed, stream, block, words);
            }
            double u = Philox.toOpenUniform(words[(int) (i & 3)] & 0xFFFFFFFFL);
            z[j] = (x.getAtIndex(F, i) - Math.log(-Math.log(u))) / tau;
            max = Math.max(max, z[j]);
        }
        return max;
    }

    @Override
    protected void twoHotImpl(Tensor values, Tensor bins, Tensor out) {
        MemorySegment v = seg(values);
        MemorySegment b = seg(bins);
        MemorySegment o = seg(out);
        int nb = bins.cols();
        int rows = out.rows();
        int per = CpuVec.rowsPerTask(nb);
        int tasks = CpuVec.tasks(rows, per);
        if (tasks == 1) {
            twoHotRows(v, b, nb, o, 0, rows);
        } else {
            pool(out).run(tasks, t -> twoHotRows(v, b, nb, o, t * per, Math.min(rows, (t + 1) * per)));
        }
    }

    private static void twoHotRows(MemorySegment values, MemorySegment bins, int nb, MemorySegment out, int r0,
                                   int r1) {
        for (int r = r0; r < r1; r++) {
            twoHotRow(values.getAtIndex(F, r), bins, nb, out, (long) r * nb);
        }
    }

    /**
     * Splits {@code value}, clamped into [bins[0], bins[nb−1]], between bins k and k+1 (the last bin not above it,
     * capped at nb−2) in proportion to distance; weights computed in double then rounded once.
     */
    private static void twoHotRow(float value, MemorySegment bins, int nb, MemorySegment out, long off) {
        float v = Math.min(Math.max(value, bins.getAtIndex(F, 0)), bins.getAtIndex(F, nb - 1));
        int lo = 0;
        int hi = nb - 2;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (bins.getAtIndex(F, mid) <= v) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        double bk = bins.getAtIndex(F, lo);
        double width = bins.getAtIndex(F, lo + 1) - bk;
        double upper = width > 0 ? (v - bk) / width : 0.0;
        CpuArith.fill(out, 0f, off, off + nb);
        out.setAtIndex(F, off + lo, (float) (1.0 - upper));
        out.setAtIndex(F, off + lo + 1, (float) upper);
    }
}
