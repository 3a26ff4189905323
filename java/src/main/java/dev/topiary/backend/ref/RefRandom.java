package dev.topiary.backend.ref;

import dev.topiary.backend.Philox;
import dev.topiary.backend.RandomOps;
import dev.topiary.backend.Tensor;

import static dev.topiary.backend.ref.RefTensor.d;

/**
 * Random tensors straight from {@link Philox}: each float result is computed in double and rounded once to float, the
 * definition every backend reproduces bit for bit.
 */
final class RefRandom extends RandomOps {

    RefRandom(ReferenceBackend backend) {
        super(backend);
    }

    @Override
    protected void uniformImpl(Tensor out, float lo, float hi, long seed, long stream) {
        double[] o = d(out);
        for (int i = 0; i < o.length; i++) {
            o[i] = (float) (lo + ((double) hi - lo) * Philox.uniform(seed, stream, i));
        }
    }

    @Override
    protected void normalImpl(Tensor out, float mean, float std, long seed, long stream) {
        double[] o = d(out);
        for (int i = 0; i < o.length; i++) {
            o[i] = (float) (mean + (double) std * Philox.normal(seed, stream, i));
        }
    }

    @Override
    protected void intsImpl(Tensor out, int bound, long seed, long stream) {
        double[] o = d(out);
        for (int i = 0; i < o.length; i++) {
            o[i] = Philox.below(seed, stream, i, bound);
        }
    }
}
