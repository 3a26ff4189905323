package dev.topiary.backend.ref;

import dev.topiary.backend.Check;
import dev.topiary.backend.DType;
import dev.topiary.backend.ElementOps;
import dev.topiary.backend.Tensor;

import static dev.topiary.backend.ref.RefTensor.d;

/** Elementwise arithmetic and data movement in float64, one element at a time. */
final class RefElements extends ElementOps {

    RefElements(ReferenceBackend backend) {
        super(backend);
    }

    /** {@code value} as a tensor of this dtype holds it: the conversions of {@link RefTensor#copyFrom}. */
    static double convert(DType dtype, double value) {
        return switch (dtype) {
            case F64 -> value;
            case F32 -> (float) value;
            case I32 -> (int) value;
            case U8 -> ((int) value) & 0xFF;
        };
    }

    @Override
    protected void fillImpl(Tensor t, double value) {
        java.util.Arrays.fill(d(t), convert(t.dtype(), value));
    }

    @Override
    protected void copyImpl(Tensor src, Tensor dst) {
        System.arraycopy(d(src), 0, d(dst), 0, d(src).length);
    }

    @Override
    protected void axpbyImpl(float alpha, Tensor x, float beta, Tensor y, Tensor out) {
        double[] xs = d(x);
        double[] ys = d(y);
        double[] o = d(out);
        for (int i = 0; i < o.length; i++) {
            o[i] = alpha * xs[i] + beta * ys[i];
        }
    }

    @Override
    protected void affineImpl(Tensor x, float scale, float shift, Tensor out) {
        double[] xs = d(x);
        double[] o = d(out);
        for (int i = 0; i < o.length; i++) {
            o[i] = scale * xs[i] + shift;
        }
    }

    @Override
    protected void binaryImpl(Binary op, Tensor a, Tensor b, Tensor out) {
        double[] as = d(a);
        double[] bs = d(b);
        double[] o = d(out);
        int rows = a.rows();
        int cols = a.cols();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                o[i] = apply(op, as[i], bs[broadcastIndex(a, b, r, c)]);
            }
        }
    }

    /** Which element of b pairs with a[r][c]: same shape, then scalar, then row vector, then column vector. */
    private static int broadcastIndex(Tensor a, Tensor b, int r, int c) {
        if (b.sameShape(a)) {
            return r * a.cols() + c;
        }
        if (b.rows() == 1 && b.cols() == 1) {
            return 0;
        }
        if (b.rows() == 1) {
            return c;
        }
        return r;
    }

    static double apply(Binary op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MIN -> Math.min(a, b);
            case MAX -> Math.max(a, b);
        };
    }

    @Override
    protected void unaryImpl(Unary op, Tensor x, Tensor out) {
        double[] xs = d(x);
        double[] o = d(out);
        for (int i = 0; i < o.length; i++) {
            o[i] = apply(op, xs[i]);
        }
    }

    static double apply(Unary op, double x) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SQUARE -> x * x;
            case SQRT -> Math.sqrt(x);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SIGN -> Math.signum(x);
            case SYMLOG -> Math.signum(x) * Math.log1p(Math.abs(x));
            case SYMEXP -> Math.signum(x) * Math.expm1(Math.abs(x));
        };
    }

    @Override
    protected void clampImpl(Tensor x, float lo, float hi, Tensor out) {
        double[] xs = d(x);
        double[] o = d(out);
        for (int i = 0; i < o.length; i++) {
            o[i] = Math.min(Math.max(xs[i], lo), hi);
        }
    }

    @Override
    protected void concatColsImpl(Tensor[] parts, Tensor out) {
        double[] o = d(out);
        int start = 0;
        for (Tensor p : parts) {
            double[] ps = d(p);
            for (int r = 0; r < out.rows(); r++) {
                System.arraycopy(ps, r * p.cols(), o, r * out.cols() + start, p.cols());
            }
            start += p.cols();
        }
    }

    @Override
    protected void sliceColsImpl(Tensor src, int start, Tensor out) {
        for (int r = 0; r < out.rows(); r++) {
            System.arraycopy(d(src), r * src.cols() + start, d(out), r * out.cols(), out.cols());
        }
    }

    @Override
    protected void gatherRowsImpl(Tensor src, Tensor idx, Tensor out) {
        double[] ix = d(idx);
        checkIndices("gatherRows", ix, src.rows());
        int cols = src.cols();
        for (int i = 0; i < ix.length; i++) {
            System.arraycopy(d(src), (int) ix[i] * cols, d(out), i * cols, cols);
        }
    }

    @Override
    protected void scatterRowsImpl(Tensor src, Tensor idx, Tensor out) {
        double[] ix = d(idx);
        checkIndices("scatterRows", ix, out.rows());
        int cols = src.cols();
        for (int i = 0; i < ix.length; i++) {
            System.arraycopy(d(src), i * cols, d(out), (int) ix[i] * cols, cols);
        }
    }

    private static void checkIndices(String op, double[] idx, int rows) {
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= rows) {
                throw Check.fail(op, "idx[" + i + "] = " + (int) idx[i] + " is outside [0, " + rows + ")");
            }
        }
    }
}
