package dev.topiary.backend.ref;

import dev.topiary.backend.*;

final class RefLosses extends LossOps {

    RefLosses(ReferenceBackend backend) {
        super(backend);
    }

    @Override
    protected void huberImpl(Tensor pred, Tensor target, float delta, Tensor rowWeights, Tensor loss, Tensor grad) {
        throw new UnsupportedOperationException("RefLosses.huberImpl not yet written");
    }

    @Override
    protected void mseImpl(Tensor pred, Tensor target, Tensor rowWeights, Tensor loss, Tensor grad) {
        throw new UnsupportedOperationException("RefLosses.mseImpl not yet written");
    }

    @Override
    protected void crossEntropyImpl(Tensor logits, Tensor target, Tensor rowWeights, Tensor loss, Tensor grad) {
        throw new UnsupportedOperationException("RefLosses.crossEntropyImpl not yet written");
    }

}
