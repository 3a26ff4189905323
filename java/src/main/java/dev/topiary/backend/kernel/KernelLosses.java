package dev.topiary.backend.kernel;

import dev.topiary.backend.*;

final class KernelLosses extends LossOps {

    KernelLosses(KernelBackend backend) {
        super(backend);
    }

    @Override
    protected void huberImpl(Tensor pred, Tensor target, float delta, Tensor rowWeights, Tensor loss, Tensor grad) {
        throw new UnsupportedOperationException("KernelLosses.huberImpl not yet written");
    }

    @Override
    protected void mseImpl(Tensor pred, Tensor target, Tensor rowWeights, Tensor loss, Tensor grad) {
        throw new UnsupportedOperationException("KernelLosses.mseImpl not yet written");
    }

    @Override
    protected void crossEntropyImpl(Tensor logits, Tensor target, Tensor rowWeights, Tensor loss, Tensor grad) {
        throw new UnsupportedOperationException("KernelLosses.crossEntropyImpl not yet written");
    }

}
