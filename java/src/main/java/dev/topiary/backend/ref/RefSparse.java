package dev.topiary.backend.ref;

import dev.topiary.backend.*;

final class RefSparse extends SparseOps {

    RefSparse(ReferenceBackend backend) {
        super(backend);
    }

    @Override
    protected void forwardImpl(Tensor x, SparseWeight w, Tensor bias, Tensor y) {
        throw new UnsupportedOperationException("RefSparse.forwardImpl not yet written");
    }

    @Override
    protected void backwardInputImpl(Tensor dy, SparseWeight w, float beta, Tensor dx) {
        throw new UnsupportedOperationException("RefSparse.backwardInputImpl not yet written");
    }

    @Override
    protected void backwardWeightImpl(Tensor dy, Tensor x, SparseWeight w, float beta, Tensor dw) {
        throw new UnsupportedOperationException("RefSparse.backwardWeightImpl not yet written");
    }

    @Override
    protected void compactImpl(Tensor values, Tensor mask, int nnz, SparseWeight dst, Tensor[] denseAligned, Tensor[] compactAligned) {
        throw new UnsupportedOperationException("RefSparse.compactImpl not yet written");
    }

    @Override
    protected void expandImpl(SparseWeight src, Tensor values, Tensor mask, Tensor[] compactAligned, Tensor[] denseAligned) {
        throw new UnsupportedOperationException("RefSparse.expandImpl not yet written");
    }

}
