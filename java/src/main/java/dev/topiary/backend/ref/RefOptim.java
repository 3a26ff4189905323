package dev.topiary.backend.ref;

import dev.topiary.backend.*;

final class RefOptim extends OptimOps {

    RefOptim(ReferenceBackend backend) {
        super(backend);
    }

    @Override
    protected void adamWImpl(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor mask, AdamW hp, Tensor step) {
        throw new UnsupportedOperationException("RefOptim.adamWImpl not yet written");
    }

    @Override
    protected void incrementStepImpl(Tensor step) {
        throw new UnsupportedOperationException("RefOptim.incrementStepImpl not yet written");
    }

    @Override
    protected void sumOfSquaresImpl(Tensor[] grads, Tensor out) {
        throw new UnsupportedOperationException("RefOptim.sumOfSquaresImpl not yet written");
    }

    @Override
    protected void clipByGlobalNormImpl(Tensor[] grads, Tensor sumSq, float maxNorm) {
        throw new UnsupportedOperationException("RefOptim.clipByGlobalNormImpl not yet written");
    }

    @Override
    protected void polyakImpl(Tensor target, Tensor source, float tau) {
        throw new UnsupportedOperationException("RefOptim.polyakImpl not yet written");
    }

}
