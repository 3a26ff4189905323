package dev.topiary.backend.ref;

import dev.topiary.backend.*;

final class RefNn extends NnOps {

    RefNn(ReferenceBackend backend) {
        super(backend);
    }

    @Override
    protected void activationImpl(Activation f, Tensor x, Tensor y) {
        throw new UnsupportedOperationException("RefNn.activationImpl not yet written");
    }

    @Override
    protected void activationBackwardImpl(Activation f, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        throw new UnsupportedOperationException("RefNn.activationBackwardImpl not yet written");
    }

    @Override
    protected void layerNormImpl(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y, Tensor mean, Tensor rstd) {
        throw new UnsupportedOperationException("RefNn.layerNormImpl not yet written");
    }

    @Override
    protected void layerNormBackwardImpl(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dx, Tensor dgamma, Tensor dbeta) {
        throw new UnsupportedOperationException("RefNn.layerNormBackwardImpl not yet written");
    }

    @Override
    protected void softmaxImpl(Tensor x, Tensor y, boolean log) {
        throw new UnsupportedOperationException("RefNn.softmaxImpl not yet written");
    }

    @Override
    protected void softmaxBackwardImpl(Tensor y, Tensor dy, Tensor dx, boolean log) {
        throw new UnsupportedOperationException("RefNn.softmaxBackwardImpl not yet written");
    }

    @Override
    protected void gumbelSoftmaxImpl(Tensor logits, float tau, long seed, long stream, Tensor y) {
        throw new UnsupportedOperationException("RefNn.gumbelSoftmaxImpl not yet written");
    }

    @Override
    protected void twoHotImpl(Tensor values, Tensor bins, Tensor out) {
        throw new UnsupportedOperationException("RefNn.twoHotImpl not yet written");
    }

}
