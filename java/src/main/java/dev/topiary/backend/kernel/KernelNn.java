package dev.topiary.backend.kernel;

import dev.topiary.backend.*;

final class KernelNn extends NnOps {

    KernelNn(KernelBackend backend) {
        super(backend);
    }

    @Override
    protected void activationImpl(Activation f, Tensor x, Tensor y) {
        throw new UnsupportedOperationException("KernelNn.activationImpl not yet written");
    }

    @Override
    protected void activationBackwardImpl(Activation f, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        throw new UnsupportedOperationException("KernelNn.activationBackwardImpl not yet written");
    }

    @Override
    protected void layerNormImpl(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y, Tensor mean, Tensor rstd) {
        throw new UnsupportedOperationException("KernelNn.layerNormImpl not yet written");
    }

    @Override
    protected void layerNormBackwardImpl(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dx, Tensor dgamma, Tensor dbeta) {
        throw new UnsupportedOperationException("KernelNn.layerNormBackwardImpl not yet written");
    }

    @Override
    protected void softmaxImpl(Tensor x, Tensor y, boolean log) {
        throw new UnsupportedOperationException("KernelNn.softmaxImpl not yet written");
    }

    @Override
    protected void softmaxBackwardImpl(Tensor y, Tensor dy, Tensor dx, boolean log) {
        throw new UnsupportedOperationException("KernelNn.softmaxBackwardImpl not yet written");
    }

    @Override
    protected void gumbelSoftmaxImpl(Tensor logits, float tau, long seed, long stream, Tensor y) {
        throw new UnsupportedOperationException("KernelNn.gumbelSoftmaxImpl not yet written");
    }

    @Override
    protected void twoHotImpl(Tensor values, Tensor bins, Tensor out) {
        throw new UnsupportedOperationException("KernelNn.twoHotImpl not yet written");
    }

}
