package dev.topiary.backend.cpu;

import dev.topiary.backend.*;

final class CpuLosses extends LossOps {

    CpuLosses(CpuBackend backend) {
        super(backend);
    }

    @Override
    protected void huberImpl(Tensor pred, Tensor target, float delta, Tensor rowWeights, Tensor loss, Tensor grad) {
        throw new UnsupportedOperationException("CpuLosses.huberImpl not yet written");
    }

    @Override
    protected void mseImpl(Tensor pred, Tensor target, Tensor rowWeights, Tensor loss, Tensor grad) {
        throw new UnsupportedOperationException("CpuLosses.mseImpl not yet written");
    }

    @Override
    protected void crossEntropyImpl(Tensor logits, Tensor target, Tensor rowWeights, Tensor loss, Tensor grad) {
        throw new UnsupportedOperationException("CpuLosses.crossEntropyImpl not yet written");
    }

}
