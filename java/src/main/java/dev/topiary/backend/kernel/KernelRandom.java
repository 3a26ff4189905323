package dev.topiary.backend.kernel;

import dev.topiary.backend.*;

final class KernelRandom extends RandomOps {

    KernelRandom(KernelBackend backend) {
        super(backend);
    }

    @Override
    protected void uniformImpl(Tensor out, float lo, float hi, long seed, long stream) {
        throw new UnsupportedOperationException("KernelRandom.uniformImpl not yet written");
    }

    @Override
    protected void normalImpl(Tensor out, float mean, float std, long seed, long stream) {
        throw new UnsupportedOperationException("KernelRandom.normalImpl not yet written");
    }

    @Override
    protected void intsImpl(Tensor out, int bound, long seed, long stream) {
        throw new UnsupportedOperationException("KernelRandom.intsImpl not yet written");
    }

}
