package dev.topiary.backend.ref;

import dev.topiary.backend.*;

final class RefRandom extends RandomOps {

    RefRandom(ReferenceBackend backend) {
        super(backend);
    }

    @Override
    protected void uniformImpl(Tensor out, float lo, float hi, long seed, long stream) {
        throw new UnsupportedOperationException("RefRandom.uniformImpl not yet written");
    }

    @Override
    protected void normalImpl(Tensor out, float mean, float std, long seed, long stream) {
        throw new UnsupportedOperationException("RefRandom.normalImpl not yet written");
    }

    @Override
    protected void intsImpl(Tensor out, int bound, long seed, long stream) {
        throw new UnsupportedOperationException("RefRandom.intsImpl not yet written");
    }

}
