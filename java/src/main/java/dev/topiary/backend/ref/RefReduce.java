package dev.topiary.backend.ref;

import dev.topiary.backend.ReduceOps;
import dev.topiary.backend.Tensor;

import static dev.topiary.backend.ref.RefTensor.d;

/** Reductions in float64, summed in index order. */
final class RefReduce extends ReduceOps {

    RefReduce(ReferenceBackend backend) {
        super(backend);
    }

    /** Reduces {@code n} elements of x starting at {@code start}, {@code stride} apart. */
    static double reduce(Kind kind, double[] x, int start, int stride, int n) {
        double acc = switch (kind) {
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
            default -> 0.0;
        };
        for (int k = 0; k < n; k++) {
            double v = x[start + k * stride];
            acc = switch (kind) {
                case SUM, MEAN -> acc + v;
                case SUM_SQUARES -> acc + v * v;
                case MAX -> Math.max(acc, v);
                case MIN -> Math.min(acc, v);
                case MAX_ABS -> Math.max(acc, Math.abs(v));
            };
        }
        // The mean of nothing is 0, like the sum, rather than 0/0.
        return kind == Kind.MEAN && n > 0 ? acc / n : acc;
    }

    @Override
    protected void allImpl(Kind kind, Tensor x, Tensor out) {
        d(out)[0] = reduce(kind, d(x), 0, 1, d(x).length);
    }

    /** Where beta is 0 the old out is not read, so garbage (NaN) in it cannot leak through 0·NaN. */
    @Override
    protected void colsImpl(Kind kind, Tensor x, float beta, Tensor out) {
        double[] o = d(out);
        for (int c = 0; c < x.cols(); c++) {
            double v = reduce(kind, d(x), c, x.cols(), x.rows());
            o[c] = beta == 0 ? v : v + beta * o[c];
        }
    }

    @Override
    protected void rowsImpl(Kind kind, Tensor x, Tensor out) {
        for (int r = 0; r < x.rows(); r++) {
            d(out)[r] = reduce(kind, d(x), r * x.cols(), 1, x.cols());
        }
    }

    @Override
    protected void argmaxRowsImpl(Tensor x, Tensor out) {
        double[] xs = d(x);
        int n = x.cols();
        for (int r = 0; r < x.rows(); r++) {
            int best = 0;
            for (int j = 1; j < n && !Double.isNaN(xs[r * n + best]); j++) {
                double v = xs[r * n + j];
                if (v > xs[r * n + best] || Double.isNaN(v)) {
                    best = j;
                }
            }
            d(out)[r] = best;
        }
    }
}
