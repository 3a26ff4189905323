package dev.topiary.backend.cpu;

import dev.topiary.backend.*;

final class CpuSampling extends SamplingOps {

    CpuSampling(CpuBackend backend) {
        super(backend);
    }

    @Override
    protected void sumTreeSetImpl(Tensor tree, Tensor idx, Tensor values) {
        throw new UnsupportedOperationException("CpuSampling.sumTreeSetImpl not yet written");
    }

    @Override
    protected void sumTreeSampleImpl(Tensor tree, Tensor u, Tensor out) {
        throw new UnsupportedOperationException("CpuSampling.sumTreeSampleImpl not yet written");
    }

    @Override
    protected void sumTreeTotalImpl(Tensor tree, Tensor out) {
        throw new UnsupportedOperationException("CpuSampling.sumTreeTotalImpl not yet written");
    }

}
