package dev.topiary.backend;

import static dev.topiary.backend.Check.fail;

/**
 * Elementwise arithmetic, broadcasting, and moving data between tensors (fill, copy, concat, slice, gather,
 * scatter). Elementwise ops may run in place (output = an input).
 */
public abstract class ElementOps extends OpFamily {

    /** Two-operand elementwise functions. */
    public enum Binary { ADD, SUB, MUL, DIV, MIN, MAX }

    /** One-operand elementwise functions. {@code SYMLOG(x) = sign(x)·ln(1+|x|)}, {@code SYMEXP} its inverse. */
    public enum Unary { NEG, ABS, SQUARE, SQRT, EXP, LOG, SIGN, SYMLOG, SYMEXP }

    protected ElementOps(Backend backend) {
        super(backend);
    }

    /** Sets every element of {@code t} (any dtype) to {@code value}, converted as a Java cast would. */
    public final void fill(Tensor t, double value) {
        Check.notNull("fill", "t", t);
        owned("fill", t);
        fillImpl(t, value);
    }

    /** {@code dst = src}; same dtype and shape. */
    public final void copy(Tensor src, Tensor dst) {
        Check.sameShape("copy", "src", src, "dst", dst);
        if (src.dtype() != dst.dtype()) {
            throw fail("copy", "src is " + src.describe() + " but dst is " + dst.describe() + "; dtypes must match");
        }
        owned("copy", src, dst);
        if (src != dst) {
            copyImpl(src, dst);
        }
    }

    /** {@code out = alpha·x + beta·y}. */
    public final void axpby(float alpha, Tensor x, float beta, Tensor y, Tensor out) {
        Check.sameF32("axpby", "x", x, "y", y);
        Check.sameF32("axpby", "x", x, "out", out);
        Check.finite("axpby", "alpha", alpha);
        Check.finite("axpby", "beta", beta);
        owned("axpby", x, y, out);
        axpbyImpl(alpha, x, beta, y, out);
    }

    /** {@code out = scale·x + shift}. */
    public final void affine(Tensor x, float scale, float shift, Tensor out) {
        Check.sameF32("affine", "x", x, "out", out);
        Check.finite("affine", "scale", scale);
        Check.finite("affine", "shift", shift);
        owned("affine", x, out);
        affineImpl(x, scale, shift, out);
    }

    /**
     * {@code out = op(a, b)} with broadcasting of b: b has a's shape, or is a row vector {@code [1×a.cols]} (applied
     * to every row: bias add), or a column vector {@code [a.rows×1]} (applied to every column: per-row weights), or
     * a scalar {@code [1×1]}.
     */
    public final void binary(Binary op, Tensor a, Tensor b, Tensor out) {
        String name = "binary(" + op + ")";
        Check.notNull(name, "op", op);
        Check.dtype(name, "a", a, DType.F32);
        Check.dtype(name, "b", b, DType.F32);
        Check.sameF32(name, "a", a, "out", out);
        boolean ok = b.sameShape(a) || (b.rows() == 1 && b.cols() == a.cols()) || (b.cols() == 1 && b.rows() == a.rows())
                || (b.rows() == 1 && b.cols() == 1);
        if (!ok) {
            throw fail(name, "b is " + b.describe() + " and cannot broadcast to a " + a.describe() + "; use ["
                    + a.rows() + "×" + a.cols() + "], [1×" + a.cols() + "], [" + a.rows() + "×1] or [1×1]");
        }
        if (b == out && !b.sameShape(a)) {
            throw fail(name, "a broadcast operand b cannot also be the output");
        }
        owned(name, a, b, out);
        binaryImpl(op, a, b, out);
    }

    /** {@code out = op(x)}. */
    public final void unary(Unary op, Tensor x, Tensor out) {
        String name = "unary(" + op + ")";
        Check.notNull(name, "op", op);
        Check.sameF32(name, "x", x, "out", out);
        owned(name, x, out);
        unaryImpl(op, x, out);
    }

    /** {@code out = min(max(x, lo), hi)}. */
    public final void clamp(Tensor x, float lo, float hi, Tensor out) {
        Check.sameF32("clamp", "x", x, "out", out);
        if (!(lo <= hi)) {
            throw fail("clamp", "lo = " + lo + " must not exceed hi = " + hi);
        }
        owned("clamp", x, out);
        clampImpl(x, lo, hi, out);
    }

    /** Concatenates {@code parts} (same row count) along columns into {@code out}. */
    public final void concatCols(Tensor[] parts, Tensor out) {
        Check.notNull("concatCols", "parts", parts);
        if (parts.length == 0) {
            throw fail("concatCols", "no parts given");
        }
        Check.dtype("concatCols", "out", out, DType.F32);
        int cols = 0;
        for (int i = 0; i < parts.length; i++) {
            Check.dtype("concatCols", "parts[" + i + "]", parts[i], DType.F32);
            if (parts[i].rows() != out.rows()) {
                throw fail("concatCols", "parts[" + i + "] is " + parts[i].describe() + " but out has " + out.rows()
                        + " rows");
            }
            Check.distinct("concatCols", "out", out, "parts[" + i + "]", parts[i]);
            cols += parts[i].cols();
        }
        if (cols != out.cols()) {
            throw fail("concatCols", "the parts have " + cols + " columns in all but out is " + out.describe());
        }
        owned("concatCols", parts);
        owned("concatCols", out);
        concatColsImpl(parts, out);
    }

    /** {@code out = src[:, start : start + out.cols]}. */
    public final void sliceCols(Tensor src, int start, Tensor out) {
        Check.dtype("sliceCols", "src", src, DType.F32);
        Check.dtype("sliceCols", "out", out, DType.F32);
        if (out.rows() != src.rows() || start < 0 || start + out.cols() > src.cols()) {
            throw fail("sliceCols", "cannot take columns [" + start + ", " + (start + out.cols()) + ") of "
                    + src.describe() + " into " + out.describe());
        }
        Check.distinct("sliceCols", "out", out, "src", src);
        owned("sliceCols", src, out);
        sliceColsImpl(src, start, out);
    }

    /**
     * {@code out[i] = src[idx[i]]} for every row i; idx is {@code I32[n×1]} with values in {@code [0, src.rows)};
     * src and out share a dtype (any).
     */
    public final void gatherRows(Tensor src, Tensor idx, Tensor out) {
        checkRowIndex("gatherRows", src, idx, out);
        gatherRowsImpl(src, idx, out);
    }

    /**
     * {@code out[idx[i]] = src[i]} for every row i of src; indices must be distinct (with duplicates, which row lands
     * is unspecified). Rows of out not named in idx are unchanged.
     */
    public final void scatterRows(Tensor src, Tensor idx, Tensor out) {
        checkRowIndex("scatterRows", out, idx, src);
        scatterRowsImpl(src, idx, out);
    }

    private void checkRowIndex(String op, Tensor table, Tensor idx, Tensor rowsT) {
        Check.notNull(op, "table", table);
        Check.dtype(op, "idx", idx, DType.I32);
        Check.notNull(op, "rows", rowsT);
        if (idx.cols() != 1 || idx.rows() != rowsT.rows()) {
            throw fail(op, "idx is " + idx.describe() + "; it must be [" + rowsT.rows() + "×1]");
        }
        if (table.dtype() != rowsT.dtype() || table.cols() != rowsT.cols()) {
            throw fail(op, "table " + table.describe() + " and rows " + rowsT.describe()
                    + " must share dtype and column count");
        }
        Check.distinct(op, "table", table, "rows", rowsT);
        owned(op, table, idx, rowsT);
    }

    protected abstract void fillImpl(Tensor t, double value);

    protected abstract void copyImpl(Tensor src, Tensor dst);

    protected abstract void axpbyImpl(float alpha, Tensor x, float beta, Tensor y, Tensor out);

    protected abstract void affineImpl(Tensor x, float scale, float shift, Tensor out);

    protected abstract void binaryImpl(Binary op, Tensor a, Tensor b, Tensor out);

    protected abstract void unaryImpl(Unary op, Tensor x, Tensor out);

    protected abstract void clampImpl(Tensor x, float lo, float hi, Tensor out);

    protected abstract void concatColsImpl(Tensor[] parts, Tensor out);

    protected abstract void sliceColsImpl(Tensor src, int start, Tensor out);

    protected abstract void gatherRowsImpl(Tensor src, Tensor idx, Tensor out);

    protected abstract void scatterRowsImpl(Tensor src, Tensor idx, Tensor out);
}
