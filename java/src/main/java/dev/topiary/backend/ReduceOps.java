package dev.topiary.backend;

/**
 * Reductions and norms. Sums use a fixed association order per backend, so results do not depend on the thread
 * count.
 */
public abstract class ReduceOps extends OpFamily {

    /** What a reduction computes. */
    public enum Kind { SUM, MEAN, MAX, MIN, SUM_SQUARES, MAX_ABS }

    protected ReduceOps(Backend backend) {
        super(backend);
    }

    /** Reduces all of x into {@code out [1×1]}. MAX/MIN of an empty tensor are −∞/+∞; the others 0. */
    public final void all(Kind kind, Tensor x, Tensor out) {
        String op = "reduce.all(" + kind + ")";
        Check.notNull(op, "kind", kind);
        Check.dtype(op, "x", x, DType.F32);
        Check.scalar(op, "out", out, DType.F32);
        owned(op, x, out);
        allImpl(kind, x, out);
    }

    /**
     * Reduces each column over the rows into {@code out [1×cols]}: {@code out = reduce(x) + beta · out} for SUM and
     * MEAN (beta must be 0 for the others). SUM gives a bias gradient.
     */
    public final void cols(Kind kind, Tensor x, float beta, Tensor out) {
        String op = "reduce.cols(" + kind + ")";
        Check.notNull(op, "kind", kind);
        Check.dtype(op, "x", x, DType.F32);
        Check.f32(op, "out", out, 1, x.cols());
        checkBeta(op, kind, beta);
        Check.distinct(op, "out", out, "x", x);
        owned(op, x, out);
        colsImpl(kind, x, beta, out);
    }

    /** Reduces each row over the columns into {@code out [rows×1]}. */
    public final void rows(Kind kind, Tensor x, Tensor out) {
        String op = "reduce.rows(" + kind + ")";
        Check.notNull(op, "kind", kind);
        Check.dtype(op, "x", x, DType.F32);
        Check.f32(op, "out", out, x.rows(), 1);
        Check.distinct(op, "out", out, "x", x);
        owned(op, x, out);
        rowsImpl(kind, x, out);
    }

    /** Column index of each row's maximum into {@code out I32[rows×1]}; ties go to the lowest index, NaN wins. */
    public final void argmaxRows(Tensor x, Tensor out) {
        Check.dtype("argmaxRows", "x", x, DType.F32);
        Check.dtype("argmaxRows", "out", out, DType.I32);
        Check.shape("argmaxRows", "out", out, x.rows(), 1);
        if (x.cols() == 0) {
            throw Check.fail("argmaxRows", "x has no columns (" + x.describe() + ")");
        }
        owned("argmaxRows", x, out);
        argmaxRowsImpl(x, out);
    }

    private static void checkBeta(String op, Kind kind, float beta) {
        Check.finite(op, "beta", beta);
        if (beta != 0f && kind != Kind.SUM && kind != Kind.MEAN) {
            throw Check.fail(op, "beta = " + beta + " is only allowed for SUM and MEAN");
        }
    }

    protected abstract void allImpl(Kind kind, Tensor x, Tensor out);

    protected abstract void colsImpl(Kind kind, Tensor x, float beta, Tensor out);

    protected abstract void rowsImpl(Kind kind, Tensor x, Tensor out);

    protected abstract void argmaxRowsImpl(Tensor x, Tensor out);
}
