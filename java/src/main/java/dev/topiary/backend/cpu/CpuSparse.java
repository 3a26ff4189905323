package dev.topiary.backend.cpu;

import dev.topiary.backend.*;

final class CpuSparse extends SparseOps {

    CpuSparse(CpuBackend backend) {
        super(backend);
    }

    @Override
    protected void forwardImpl(Tensor x, SparseWeight w, Tensor bias, Tensor y) {
        throw new UnsupportedOperationException("CpuSparse.forwardImpl not yet written");
    }

    @Override
    protected void backwardInputImpl(Tensor dy, SparseWeight w, float beta, Tensor dx) {
        throw new UnsupportedOperationException("CpuSparse.backwardInputImpl not yet written");
    }

    @Override
    protected void backwardWeightImpl(Tensor dy, Tensor x, SparseWeight w, float beta, Tensor dw) {
        throw new UnsupportedOperationException("CpuSparse.backwardWeightImpl not yet written");
    }

    @Override
    protected void compactImpl(Tensor values, Tensor mask, int nnz, SparseWeight dst, Tensor[] denseAligned, Tensor[] compactAligned) {
        throw new UnsupportedOperationException("CpuSparse.compactImpl not yet written");
    }

    @Override
    protected void expandImpl(SparseWeight src, Tensor values, Tensor mask, Tensor[] compactAligned, Tensor[] denseAligned) {
        throw new UnsupportedOperationException("CpuSparse.expandImpl not yet written");
    }

}
