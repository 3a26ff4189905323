package dev.topiary.backend;

import static dev.topiary.backend.Check.fail;

/** Dense matrix multiplication. */
public abstract class BlasOps extends OpFamily {

    /** Whether an operand is used as stored ({@code N}) or transposed ({@code T}). */
    public enum Trans { N, T }

    protected BlasOps(Backend backend) {
        super(backend);
    }

    /**
     * {@code C = alpha · op(A) · op(B) + beta · C}, with {@code op(A)} of shape m × k and {@code op(B)} k × n. With
     * {@code beta == 0} the old contents of C are ignored (NaN included). C may not alias A or B.
     */
    public final void gemm(Trans ta, Trans tb, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        String op = "gemm(" + ta + tb + ")";
        Check.dtype(op, "A", a, DType.F32);
        Check.dtype(op, "B", b, DType.F32);
        Check.dtype(op, "C", c, DType.F32);
        owned(op, a, b, c);
        Check.distinct(op, "C", c, "A", a);
        Check.distinct(op, "C", c, "B", b);
        int m = ta == Trans.N ? a.rows() : a.cols();
        int ka = ta == Trans.N ? a.cols() : a.rows();
        int kb = tb == Trans.N ? b.rows() : b.cols();
        int n = tb == Trans.N ? b.cols() : b.rows();
        if (ka != kb) {
            throw fail(op, "inner dimensions differ: op(A) of " + a.describe() + " has " + ka + " columns but op(B) of "
                    + b.describe() + " has " + kb + " rows");
        }
        Check.shape(op, "C", c, m, n);
        Check.finite(op, "alpha", alpha);
        Check.finite(op, "beta", beta);
        gemmImpl(ta == Trans.T, tb == Trans.T, m, n, ka, alpha, a, b, beta, c);
    }

    protected abstract void gemmImpl(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a,
                                     Tensor b, float beta, Tensor c);
}
