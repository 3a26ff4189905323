package dev.topiary.backend.ref;

import dev.topiary.backend.*;

final class RefSampling extends SamplingOps {

    RefSampling(ReferenceBackend backend) {
        super(backend);
    }

    @Override
    protected void sumTreeSetImpl(Tensor tree, Tensor idx, Tensor values) {
        throw new UnsupportedOperationException("RefSampling.sumTreeSetImpl not yet written");
    }

    @Override
    protected void sumTreeSampleImpl(Tensor tree, Tensor u, Tensor out) {
        throw new UnsupportedOperationException("RefSampling.sumTreeSampleImpl not yet written");
    }

    @Override
    protected void sumTreeTotalImpl(Tensor tree, Tensor out) {
        throw new UnsupportedOperationException("RefSampling.sumTreeTotalImpl not yet written");
    }

}
