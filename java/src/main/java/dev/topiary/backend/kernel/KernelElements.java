package dev.topiary.backend.kernel;

import dev.topiary.backend.*;

final class KernelElements extends ElementOps {

    KernelElements(KernelBackend backend) {
        super(backend);
    }

    @Override
    protected void fillImpl(Tensor t, double value) {
        throw new UnsupportedOperationException("KernelElements.fillImpl not yet written");
    }

    @Override
    protected void copyImpl(Tensor src, Tensor dst) {
        throw new UnsupportedOperationException("KernelElements.copyImpl not yet written");
    }

    @Override
    protected void axpbyImpl(float alpha, Tensor x, float beta, Tensor y, Tensor out) {
        throw new UnsupportedOperationException("KernelElements.axpbyImpl not yet written");
    }

    @Override
    protected void affineImpl(Tensor x, float scale, float shift, Tensor out) {
        throw new UnsupportedOperationException("KernelElements.affineImpl not yet written");
    }

    @Override
    protected void binaryImpl(Binary op, Tensor a, Tensor b, Tensor out) {
        throw new UnsupportedOperationException("KernelElements.binaryImpl not yet written");
    }

    @Override
    protected void unaryImpl(Unary op, Tensor x, Tensor out) {
        throw new UnsupportedOperationException("KernelElements.unaryImpl not yet written");
    }

    @Override
    protected void clampImpl(Tensor x, float lo, float hi, Tensor out) {
        throw new UnsupportedOperationException("KernelElements.clampImpl not yet written");
    }

    @Override
    protected void concatColsImpl(Tensor[] parts, Tensor out) {
        throw new UnsupportedOperationException("KernelElements.concatColsImpl not yet written");
    }

    @Override
    protected void sliceColsImpl(Tensor src, int start, Tensor out) {
        throw new UnsupportedOperationException("KernelElements.sliceColsImpl not yet written");
    }

    @Override
    protected void gatherRowsImpl(Tensor src, Tensor idx, Tensor out) {
        throw new UnsupportedOperationException("KernelElements.gatherRowsImpl not yet written");
    }

    @Override
    protected void scatterRowsImpl(Tensor src, Tensor idx, Tensor out) {
        throw new UnsupportedOperationException("KernelElements.scatterRowsImpl not yet written");
    }

}
