package dev.topiary.backend.ref;

import dev.topiary.backend.*;

final class RefReduce extends ReduceOps {

    RefReduce(ReferenceBackend backend) {
        super(backend);
    }

    @Override
    protected void allImpl(Kind kind, Tensor x, Tensor out) {
        throw new UnsupportedOperationException("RefReduce.allImpl not yet written");
    }

    @Override
    protected void colsImpl(Kind kind, Tensor x, float beta, Tensor out) {
        throw new UnsupportedOperationException("RefReduce.colsImpl not yet written");
    }

    @Override
    protected void rowsImpl(Kind kind, Tensor x, Tensor out) {
        throw new UnsupportedOperationException("RefReduce.rowsImpl not yet written");
    }

    @Override
    protected void argmaxRowsImpl(Tensor x, Tensor out) {
        throw new UnsupportedOperationException("RefReduce.argmaxRowsImpl not yet written");
    }

}
