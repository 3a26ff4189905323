package dev.topiary.backend;

import static dev.topiary.backend.Check.fail;

/**
 * The three matrix products of a (possibly sparse) linear layer {@code Y = X (W ⊙ M)ᵀ + b}, in every
 * {@link SparseWeight.Layout}, and the conversions between the compact layout and the dense view.
 */
public abstract class SparseOps extends OpFamily {

    protected SparseOps(Backend backend) {
        super(backend);
    }

    /** {@code Y = X (W ⊙ M)ᵀ + b}. X is {@code [batch×in]}, Y {@code [batch×out]}, b {@code [1×out]} or null. */
    public final void forward(Tensor x, SparseWeight w, Tensor bias, Tensor y) {
        String op = "sparse.forward";
        checkWeight(op, w);
        Check.dtype(op, "X", x, DType.F32);
        if (x.cols() != w.cols()) {
            throw fail(op, "X is " + x.describe() + " but the weight has fan-in " + w.cols() + " (" + w.describe()
                    + "); X.cols must equal W.cols");
        }
        Check.f32(op, "Y", y, x.rows(), w.rows());
        if (bias != null) {
            Check.f32(op, "bias", bias, 1, w.rows());
        }
        owned(op, x, bias, y);
        Check.distinct(op, "Y", y, "X", x);
        forwardImpl(x, w, bias, y);
    }

    /** {@code dX = dY (W ⊙ M) + beta · dX}. dY is {@code [batch×out]}, dX {@code [batch×in]}. */
    public final void backwardInput(Tensor dy, SparseWeight w, float beta, Tensor dx) {
        String op = "sparse.backwardInput";
        checkWeight(op, w);
        Check.dtype(op, "dY", dy, DType.F32);
        if (dy.cols() != w.rows()) {
            throw fail(op, "dY is " + dy.describe() + " but the weight has fan-out " + w.rows() + " (" + w.describe()
                    + "); dY.cols must equal W.rows");
        }
        Check.f32(op, "dX", dx, dy.rows(), w.cols());
        Check.finite(op, "beta", beta);
        owned(op, dy, dx);
        Check.distinct(op, "dX", dx, "dY", dy);
        backwardInputImpl(dy, w, beta, dx);
    }

    /**
     * The masked weight gradient {@code dW = (dYᵀ X) ⊙ M + beta · dW}, computed for active entries only (SDDMM).
     * dW is aligned with {@code w.values()}: {@code [out×in]} with zeros at inactive entries (DENSE, MASKED), or the
     * first {@code nnz} entries of {@code [1×capacity]} (COMPACT).
     */
    public final void backwardWeight(Tensor dy, Tensor x, SparseWeight w, float beta, Tensor dw) {
        String op = "sparse.backwardWeight";
        checkWeight(op, w);
        Check.dtype(op, "dY", dy, DType.F32);
        Check.dtype(op, "X", x, DType.F32);
        if (dy.cols() != w.rows() || x.cols() != w.cols() || dy.rows() != x.rows()) {
            throw fail(op, "dY " + dy.describe() + " and X " + x.describe() + " do not match " + w.describe()
                    + "; expected dY [batch×" + w.rows() + "] and X [batch×" + w.cols() + "]");
        }
        Check.f32(op, "dW", dw, w.values().rows(), w.values().cols());
        Check.finite(op, "beta", beta);
        owned(op, dy, x, dw);
        backwardWeightImpl(dy, x, w, beta, dw);
    }

    /**
     * The dense gradient {@code G = dYᵀ X} over every entry, active or not: what gradient regrowth (RigL) scores.
     * G is {@code [out×in]}.
     */
    public final void denseWeightGrad(Tensor dy, Tensor x, Tensor g) {
        backend.blas().gemm(BlasOps.Trans.T, BlasOps.Trans.N, 1f, dy, x, 0f, g);
    }

    /**
     * Builds compact weight {@code dst} from the dense view: {@code values} and {@code mask} ({@code [rows×cols]}),
     * which must hold exactly {@code nnz} active entries. Each {@code denseAligned[i]} ({@code [rows×cols]}, e.g. an
     * optimizer moment) is gathered into {@code compactAligned[i]} ({@code [1×capacity]}) in the same order.
     * Sets {@code dst.nnz()}.
     */
    public final void compact(Tensor values, Tensor mask, int nnz, SparseWeight dst, Tensor[] denseAligned,
                              Tensor[] compactAligned) {
        String op = "sparse.compact";
        checkDenseView(op, dst, values, mask);
        if (dst.layout() != SparseWeight.Layout.COMPACT) {
            throw fail(op, "destination must be a COMPACT weight, it is " + dst.describe());
        }
        Check.range(op, "nnz", nnz, 0, dst.capacity());
        checkAligned(op, dst, denseAligned, compactAligned);
        compactImpl(values, mask, nnz, dst, denseAligned, compactAligned);
        dst.setNnz(nnz);
    }

    /**
     * Writes the dense view of compact weight {@code src}: {@code values} and {@code mask} ({@code [rows×cols]},
     * zeros at inactive entries), and scatters each {@code compactAligned[i]} into {@code denseAligned[i]}.
     */
    public final void expand(SparseWeight src, Tensor values, Tensor mask, Tensor[] compactAligned,
                             Tensor[] denseAligned) {
        String op = "sparse.expand";
        checkDenseView(op, src, values, mask);
        if (src.layout() != SparseWeight.Layout.COMPACT) {
            throw fail(op, "source must be a COMPACT weight, it is " + src.describe());
        }
        checkAligned(op, src, denseAligned, compactAligned);
        expandImpl(src, values, mask, compactAligned, denseAligned);
    }

    private void checkWeight(String op, SparseWeight w) {
        Check.notNull(op, "W", w);
        owned(op, w.values(), w.mask(), w.rowPtr(), w.colIdx(), w.colPtr(), w.rowIdx(), w.perm());
    }

    private void checkDenseView(String op, SparseWeight w, Tensor values, Tensor mask) {
        checkWeight(op, w);
        Check.f32(op, "values", values, w.rows(), w.cols());
        Check.dtype(op, "mask", mask, DType.U8);
        Check.shape(op, "mask", mask, w.rows(), w.cols());
        owned(op, values, mask);
    }

    private void checkAligned(String op, SparseWeight w, Tensor[] dense, Tensor[] compact) {
        int nd = dense == null ? 0 : dense.length;
        int nc = compact == null ? 0 : compact.length;
        if (nd != nc) {
            throw fail(op, nd + " dense aligned tensors but " + nc + " compact ones; pass them in pairs");
        }
        for (int i = 0; i < nd; i++) {
            Check.f32(op, "denseAligned[" + i + "]", dense[i], w.rows(), w.cols());
            Check.f32(op, "compactAligned[" + i + "]", compact[i], 1, w.capacity());
            owned(op, dense[i], compact[i]);
        }
    }

    protected abstract void forwardImpl(Tensor x, SparseWeight w, Tensor bias, Tensor y);

    protected abstract void backwardInputImpl(Tensor dy, SparseWeight w, float beta, Tensor dx);

    protected abstract void backwardWeightImpl(Tensor dy, Tensor x, SparseWeight w, float beta, Tensor dw);

    protected abstract void compactImpl(Tensor values, Tensor mask, int nnz, SparseWeight dst, Tensor[] denseAligned,
                                        Tensor[] compactAligned);

    protected abstract void expandImpl(SparseWeight src, Tensor values, Tensor mask, Tensor[] compactAligned,
                                       Tensor[] denseAligned);
}
