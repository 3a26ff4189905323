package dev.topiary.backend.kernel;

import dev.topiary.backend.*;

final class KernelReduce extends ReduceOps {

    KernelReduce(KernelBackend backend) {
        super(backend);
    }

    @Override
    protected void allImpl(Kind kind, Tensor x, Tensor out) {
        throw new UnsupportedOperationException("KernelReduce.allImpl not yet written");
    }

    @Override
    protected void colsImpl(Kind kind, Tensor x, float beta, Tensor out) {
        throw new UnsupportedOperationException("KernelReduce.colsImpl not yet written");
    }

    @Override
    protected void rowsImpl(Kind kind, Tensor x, Tensor out) {
        throw new UnsupportedOperationException("KernelReduce.rowsImpl not yet written");
    }

    @Override
    protected void argmaxRowsImpl(Tensor x, Tensor out) {
        throw new UnsupportedOperationException("KernelReduce.argmaxRowsImpl not yet written");
    }

}
