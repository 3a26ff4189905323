package dev.topiary.backend.kernel;

import dev.topiary.backend.*;

final class KernelOptim extends OptimOps {

    KernelOptim(KernelBackend backend) {
        super(backend);
    }

    @Override
    protected void adamWImpl(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor mask, AdamW hp, Tensor step) {
        throw new UnsupportedOperationException("KernelOptim.adamWImpl not yet written");
    }

    @Override
    protected void incrementStepImpl(Tensor step) {
        throw new UnsupportedOperationException("KernelOptim.incrementStepImpl not yet written");
    }

    @Override
    protected void sumOfSquaresImpl(Tensor[] grads, Tensor out) {
        throw new UnsupportedOperationException("KernelOptim.sumOfSquaresImpl not yet written");
    }

    @Override
    protected void clipByGlobalNormImpl(Tensor[] grads, Tensor sumSq, float maxNorm) {
        throw new UnsupportedOperationException("KernelOptim.clipByGlobalNormImpl not yet written");
    }

    @Override
    protected void polyakImpl(Tensor target, Tensor source, float tau) {
        throw new UnsupportedOperationException("KernelOptim.polyakImpl not yet written");
    }

}
