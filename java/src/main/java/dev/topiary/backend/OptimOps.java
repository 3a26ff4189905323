package dev.topiary.backend;

import static dev.topiary.backend.Check.fail;

/** Optimizer steps, gradient clipping and target-network updates. */
public abstract class OptimOps extends OpFamily {

    protected OptimOps(Backend backend) {
        super(backend);
    }

    /**
     * One AdamW step on {@code param} with gradient {@code grad} and moments {@code m}, {@code v} (all the same shape).
     * {@code step I32[1×1]} holds t, the number of this step counting from 1 (bias corrections use β^t); advance it
     * with {@link #incrementStep} once per optimizer step. With a {@code mask} (U8, same shape), inactive entries are
     * left exactly zero, as are their moments: weight decay never revives a pruned weight.
     */
    public final void adamW(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor mask, AdamW hp, Tensor step) {
        String op = "adamW";
        Check.notNull(op, "hp", hp);
        Check.sameF32(op, "param", param, "grad", grad);
        Check.sameF32(op, "param", param, "m", m);
        Check.sameF32(op, "param", param, "v", v);
        if (mask != null) {
            Check.dtype(op, "mask", mask, DType.U8);
            Check.sameShape(op, "param", param, "mask", mask);
        }
        Check.scalar(op, "step", step, DType.I32);
        owned(op, param, grad, m, v, mask, step);
        adamWImpl(param, grad, m, v, mask, hp, step);
    }

    /** {@code step += 1}. */
    public final void incrementStep(Tensor step) {
        Check.scalar("incrementStep", "step", step, DType.I32);
        owned("incrementStep", step);
        incrementStepImpl(step);
    }

    /** {@code out [1×1] = Σ_i Σ g_i²} over all the given gradients (for global-norm clipping and logging). */
    public final void sumOfSquares(Tensor[] grads, Tensor out) {
        checkGrads("sumOfSquares", grads);
        Check.scalar("sumOfSquares", "out", out, DType.F32);
        owned("sumOfSquares", out);
        sumOfSquaresImpl(grads, out);
    }

    /**
     * Scales every gradient by {@code min(1, maxNorm / (sqrt(sumSq) + 1e-6))}, where {@code sumSq} is the
     * {@link #sumOfSquares} of the same gradients (PyTorch's {@code clip_grad_norm_}).
     */
    public final void clipByGlobalNorm(Tensor[] grads, Tensor sumSq, float maxNorm) {
        checkGrads("clipByGlobalNorm", grads);
        Check.scalar("clipByGlobalNorm", "sumSq", sumSq, DType.F32);
        Check.positive("clipByGlobalNorm", "maxNorm", maxNorm);
        owned("clipByGlobalNorm", sumSq);
        clipByGlobalNormImpl(grads, sumSq, maxNorm);
    }

    /** Polyak averaging: {@code target = (1 − tau)·target + tau·source}; tau = 1 is a hard copy. */
    public final void polyak(Tensor target, Tensor source, float tau) {
        Check.sameF32("polyak", "target", target, "source", source);
        if (!(tau >= 0 && tau <= 1)) {
            throw fail("polyak", "tau = " + tau + " must lie in [0, 1]");
        }
        owned("polyak", target, source);
        polyakImpl(target, source, tau);
    }

    private void checkGrads(String op, Tensor[] grads) {
        Check.notNull(op, "grads", grads);
        for (int i = 0; i < grads.length; i++) {
            Check.dtype(op, "grads[" + i + "]", grads[i], DType.F32);
        }
        owned(op, grads);
    }

    protected abstract void adamWImpl(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor mask, AdamW hp,
                                      Tensor step);

    protected abstract void incrementStepImpl(Tensor step);

    protected abstract void sumOfSquaresImpl(Tensor[] grads, Tensor out);

    protected abstract void clipByGlobalNormImpl(Tensor[] grads, Tensor sumSq, float maxNorm);

    protected abstract void polyakImpl(Tensor target, Tensor source, float tau);
}
