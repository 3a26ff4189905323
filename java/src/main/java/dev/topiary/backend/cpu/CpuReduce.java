package dev.topiary.backend.cpu;

import dev.topiary.backend.*;

final class CpuReduce extends ReduceOps {

    CpuReduce(CpuBackend backend) {
        super(backend);
    }

    @Override
    protected void allImpl(Kind kind, Tensor x, Tensor out) {
        throw new UnsupportedOperationException("CpuReduce.allImpl not yet written");
    }

    @Override
    protected void colsImpl(Kind kind, Tensor x, float beta, Tensor out) {
        throw new UnsupportedOperationException("CpuReduce.colsImpl not yet written");
    }

    @Override
    protected void rowsImpl(Kind kind, Tensor x, Tensor out) {
        throw new UnsupportedOperationException("CpuReduce.rowsImpl not yet written");
    }

    @Override
    protected void argmaxRowsImpl(Tensor x, Tensor out) {
        throw new UnsupportedOperationException("CpuReduce.argmaxRowsImpl not yet written");
    }

}
