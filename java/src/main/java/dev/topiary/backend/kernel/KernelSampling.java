package dev.topiary.backend.kernel;

import dev.topiary.backend.*;

final class KernelSampling extends SamplingOps {

    KernelSampling(KernelBackend backend) {
        super(backend);
    }

    @Override
    protected void sumTreeSetImpl(Tensor tree, Tensor idx, Tensor values) {
        throw new UnsupportedOperationException("KernelSampling.sumTreeSetImpl not yet written");
    }

    @Override
    protected void sumTreeSampleImpl(Tensor tree, Tensor u, Tensor out) {
        throw new UnsupportedOperationException("KernelSampling.sumTreeSampleImpl not yet written");
    }

    @Override
    protected void sumTreeTotalImpl(Tensor tree, Tensor out) {
        throw new UnsupportedOperationException("KernelSampling.sumTreeTotalImpl not yet written");
    }

}
