package dev.topiary.backend.ref;

import dev.topiary.backend.*;

final class RefElements extends ElementOps {

    RefElements(ReferenceBackend backend) {
        super(backend);
    }

    @Override
    protected void fillImpl(Tensor t, double value) {
        throw new UnsupportedOperationException("RefElements.fillImpl not yet written");
    }

    @Override
    protected void copyImpl(Tensor src, Tensor dst) {
        throw new UnsupportedOperationException("RefElements.copyImpl not yet written");
    }

    @Override
    protected void axpbyImpl(float alpha, Tensor x, float beta, Tensor y, Tensor out) {
        throw new UnsupportedOperationException("RefElements.axpbyImpl not yet written");
    }

    @Override
    protected void affineImpl(Tensor x, float scale, float shift, Tensor out) {
        throw new UnsupportedOperationException("RefElements.affineImpl not yet written");
    }

    @Override
    protected void binaryImpl(Binary op, Tensor a, Tensor b, Tensor out) {
        throw new UnsupportedOperationException("RefElements.binaryImpl not yet written");
    }

    @Override
    protected void unaryImpl(Unary op, Tensor x, Tensor out) {
        throw new UnsupportedOperationException("RefElements.unaryImpl not yet written");
    }

    @Override
    protected void clampImpl(Tensor x, float lo, float hi, Tensor out) {
        throw new UnsupportedOperationException("RefElements.clampImpl not yet written");
    }

    @Override
    protected void concatColsImpl(Tensor[] parts, Tensor out) {
        throw new UnsupportedOperationException("RefElements.concatColsImpl not yet written");
    }

    @Override
    protected void sliceColsImpl(Tensor src, int start, Tensor out) {
        throw new UnsupportedOperationException("RefElements.sliceColsImpl not yet written");
    }

    @Override
    protected void gatherRowsImpl(Tensor src, Tensor idx, Tensor out) {
        throw new UnsupportedOperationException("RefElements.gatherRowsImpl not yet written");
    }

    @Override
    protected void scatterRowsImpl(Tensor src, Tensor idx, Tensor out) {
        throw new UnsupportedOperationException("RefElements.scatterRowsImpl not yet written");
    }

}
