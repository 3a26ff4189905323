package dev.topiary.backend.kernel;

import dev.topiary.backend.*;

final class KernelSparse extends SparseOps {

    KernelSparse(KernelBackend backend) {
        super(backend);
    }

    @Override
    protected void forwardImpl(Tensor x, SparseWeight w, Tensor bias, Tensor y) {
        throw new UnsupportedOperationException("KernelSparse.forwardImpl not yet written");
    }

    @Override
    protected void backwardInputImpl(Tensor dy, SparseWeight w, float beta, Tensor dx) {
        throw new UnsupportedOperationException("KernelSparse.backwardInputImpl not yet written");
    }

    @Override
    protected void backwardWeightImpl(Tensor dy, Tensor x, SparseWeight w, float beta, Tensor dw) {
        throw new UnsupportedOperationException("KernelSparse.backwardWeightImpl not yet written");
    }

    @Override
    protected void compactImpl(Tensor values, Tensor mask, int nnz, SparseWeight dst, Tensor[] denseAligned, Tensor[] compactAligned) {
        throw new UnsupportedOperationException("KernelSparse.compactImpl not yet written");
    }

    @Override
    protected void expandImpl(SparseWeight src, Tensor values, Tensor mask, Tensor[] compactAligned, Tensor[] denseAligned) {
        throw new UnsupportedOperationException("KernelSparse.expandImpl not yet written");
    }

}
