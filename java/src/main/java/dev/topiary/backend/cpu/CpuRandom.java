package dev.topiary.backend.cpu;

import dev.topiary.backend.*;

final class CpuRandom extends RandomOps {

    CpuRandom(CpuBackend backend) {
        super(backend);
    }

    @Override
    protected void uniformImpl(Tensor out, float lo, float hi, long seed, long stream) {
        throw new UnsupportedOperationException("CpuRandom.uniformImpl not yet written");
    }

    @Override
    protected void normalImpl(Tensor out, float mean, float std, long seed, long stream) {
        throw new UnsupportedOperationException("CpuRandom.normalImpl not yet written");
    }

    @Override
    protected void intsImpl(Tensor out, int bound, long seed, long stream) {
        throw new UnsupportedOperationException("CpuRandom.intsImpl not yet written");
    }

}
