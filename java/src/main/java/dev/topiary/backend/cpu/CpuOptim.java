package dev.topiary.backend.cpu;

import dev.topiary.backend.*;

final class CpuOptim extends OptimOps {

    CpuOptim(CpuBackend backend) {
        super(backend);
    }

    @Override
    protected void adamWImpl(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor mask, AdamW hp, Tensor step) {
        throw new UnsupportedOperationException("CpuOptim.adamWImpl not yet written");
    }

    @Override
    protected void incrementStepImpl(Tensor step) {
        throw new UnsupportedOperationException("CpuOptim.incrementStepImpl not yet written");
    }

    @Override
    protected void sumOfSquaresImpl(Tensor[] grads, Tensor out) {
        throw new UnsupportedOperationException("CpuOptim.sumOfSquaresImpl not yet written");
    }

    @Override
    protected void clipByGlobalNormImpl(Tensor[] grads, Tensor sumSq, float maxNorm) {
        throw new UnsupportedOperationException("CpuOptim.clipByGlobalNormImpl not yet written");
    }

    @Override
    protected void polyakImpl(Tensor target, Tensor source, float tau) {
        throw new UnsupportedOperationException("CpuOptim.polyakImpl not yet written");
    }

}
