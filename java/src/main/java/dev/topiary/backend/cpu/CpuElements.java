package dev.topiary.backend.cpu;

import dev.topiary.backend.*;

final class CpuElements extends ElementOps {

    CpuElements(CpuBackend backend) {
        super(backend);
    }

    @Override
    protected void fillImpl(Tensor t, double value) {
        throw new UnsupportedOperationException("CpuElements.fillImpl not yet written");
    }

    @Override
    protected void copyImpl(Tensor src, Tensor dst) {
        throw new UnsupportedOperationException("CpuElements.copyImpl not yet written");
    }

    @Override
    protected void axpbyImpl(float alpha, Tensor x, float beta, Tensor y, Tensor out) {
        throw new UnsupportedOperationException("CpuElements.axpbyImpl not yet written");
    }

    @Override
    protected void affineImpl(Tensor x, float scale, float shift, Tensor out) {
        throw new UnsupportedOperationException("CpuElements.affineImpl not yet written");
    }

    @Override
    protected void binaryImpl(Binary op, Tensor a, Tensor b, Tensor out) {
        throw new UnsupportedOperationException("CpuElements.binaryImpl not yet written");
    }

    @Override
    protected void unaryImpl(Unary op, Tensor x, Tensor out) {
        throw new UnsupportedOperationException("CpuElements.unaryImpl not yet written");
    }

    @Override
    protected void clampImpl(Tensor x, float lo, float hi, Tensor out) {
        throw new UnsupportedOperationException("CpuElements.clampImpl not yet written");
    }

    @Override
    protected void concatColsImpl(Tensor[] parts, Tensor out) {
        throw new UnsupportedOperationException("CpuElements.concatColsImpl not yet written");
    }

    @Override
    protected void sliceColsImpl(Tensor src, int start, Tensor out) {
        throw new UnsupportedOperationException("CpuElements.sliceColsImpl not yet written");
    }

    @Override
    protected void gatherRowsImpl(Tensor src, Tensor idx, Tensor out) {
        throw new UnsupportedOperationException("CpuElements.gatherRowsImpl not yet written");
    }

    @Override
    protected void scatterRowsImpl(Tensor src, Tensor idx, Tensor out) {
        throw new UnsupportedOperationException("CpuElements.scatterRowsImpl not yet written");
    }

}
