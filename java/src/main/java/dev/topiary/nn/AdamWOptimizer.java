package dev.topiary.nn;

import dev.topiary.backend.AdamW;
import dev.topiary.backend.Backend;
import dev.topiary.backend.Tensor;

import java.util.List;

/**
 * AdamW over one module's parameters, with its own hyper-parameters and step counter, and optional clipping of the
 * global gradient norm before the update (PyTorch's {@code clip_grad_norm_}). Masked weights keep inactive entries
 * and their moments exactly zero (the op's contract), so weight decay never revives a pruned weight. Parameters that
 * received no gradient since the last step are skipped, as PyTorch skips a parameter whose grad is None.
 */
public final class AdamWOptimizer {
    private final Backend backend;
    private final List<Parameter> parameters;
    private final Tensor step;
    private final Tensor sumOfSquares;
    private final Tensor[][] gradsByCount;
    private AdamW hp;
    private final float maxGradNorm;
    private long steps;

    /** {@code maxGradNorm = 0} disables clipping. */
    public AdamWOptimizer(LayerContext ctx, List<Parameter> parameters, AdamW hp, float maxGradNorm) {
        if (!(maxGradNorm >= 0) || Float.isInfinite(maxGradNorm)) {
            throw new IllegalArgumentException("maxGradNorm = " + maxGradNorm + " must be finite and ≥ 0 (0: no clip)");
        }
        this.backend = ctx.backend();
        this.parameters = List.copyOf(parameters);
        this.step = ctx.arena().i32(1, 1);
        this.sumOfSquares = ctx.arena().f32(1, 1);
        this.gradsByCount = new Tensor[parameters.size() + 1][];
        this.hp = hp;
        this.maxGradNorm = maxGradNorm;
    }

    public AdamW hyperParameters() {
        return hp;
    }

    /** For learning-rate schedules; takes effect at the next step. */
    public void setHyperParameters(AdamW hp) {
        this.hp = hp;
    }

    public float maxGradNorm() {
        return maxGradNorm;
    }

    /** Optimizer steps taken, t in the papers' notation (the step counter on the device holds the same). */
    public long steps() {
        return steps;
    }

    /** Restores the step count (from a checkpoint), on the host and the device. */
    public void setSteps(long steps) {
        if (steps < 0 || steps > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("step count " + steps + " outside [0, 2^31)");
        }
        this.steps = steps;
        backend.elements().fill(step, steps);
    }

    /** {@code Σ g²} over the gradients of the last step, before clipping; written only when clipping is on. */
    public Tensor lastGradSumOfSquares() {
        return sumOfSquares;
    }

    /** Clips (if configured), takes one AdamW step on every parameter with a fresh gradient, and clears gradients. */
    public void step() {
        Tensor[] grads = freshGradients();
        if (maxGradNorm > 0 && grads.length > 0) {
            backend.optim().sumOfSquares(grads, sumOfSquares);
            backend.optim().clipByGlobalNorm(grads, sumOfSquares, maxGradNorm);
        }
        backend.optim().incrementStep(step);
        steps++;
        for (Parameter p : parameters) {
            if (p.hasGrad()) {
                backend.optim().adamW(p.value(), p.grad(), p.m(), p.v(), p.mask(), hp, step);
                p.clearGrad();
            }
        }
    }

    /** The gradients written since the last step, in a reused array (no allocation once every count was seen). */
    private Tensor[] freshGradients() {
        int n = 0;
        for (Parameter p : parameters) {
            n += p.hasGrad() ? 1 : 0;
        }
        Tensor[] grads = gradsByCount[n];
        if (grads == null) {
            grads = new Tensor[n];
            gradsByCount[n] = grads;
        }
        int i = 0;
        for (Parameter p : parameters) {
            if (p.hasGrad()) {
                grads[i++] = p.grad();
            }
        }
        return grads;
    }
}
