package dev.topiary.nn;

import dev.topiary.backend.Tensor;

/**
 * A learnable tensor with its gradient and AdamW moments, all aligned (same shape). Gradients accumulate: the first
 * backward pass after {@link #clearGrad()} overwrites the gradient, later ones add to it, so a layer applied several
 * times in one loss (an encoder rollout) gets the sum.
 */
public abstract class Parameter {
    private final String name;
    private boolean trainable = true;
    private boolean gradWritten;

    protected Parameter(String name) {
        this.name = name;
    }

    /** Name within its network, e.g. {@code hidden1.linear.weight}. */
    public final String name() {
        return name;
    }

    /** The values the optimizer updates. */
    public abstract Tensor value();

    public abstract Tensor grad();

    /** AdamW first moment. */
    public abstract Tensor m();

    /** AdamW second moment. */
    public abstract Tensor v();

    /** U8 mask aligned with {@link #value()}, or null when every stored entry is active. */
    public abstract Tensor mask();

    /** Entries of the parameter as a dense tensor. */
    public abstract long count();

    /** Entries currently active (all of them unless the parameter is sparse). */
    public abstract long activeCount();

    /** Whether backward passes compute this parameter's gradient; frozen parameters still pass gradients through. */
    public final boolean trainable() {
        return trainable;
    }

    public final void setTrainable(boolean trainable) {
        this.trainable = trainable;
    }

    /** True when a backward pass has written the gradient since the last {@link #clearGrad()}. */
    public final boolean hasGrad() {
        return gradWritten;
    }

    /** Marks the gradient stale; the next backward pass overwrites it. Touches no memory. */
    public final void clearGrad() {
        gradWritten = false;
    }

    /** The β a backward op should use for its gradient write: 0 for the first write since clearing, then 1. */
    public final float takeGradBeta() {
        float beta = gradWritten ? 1f : 0f;
        gradWritten = true;
        return beta;
    }

    @Override
    public String toString() {
        return name + " " + value().describe();
    }
}
