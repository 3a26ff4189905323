package dev.topiary.nn;

import dev.topiary.backend.Tensor;

import java.util.List;

/**
 * One application of a {@link Layer} to a batch of fixed size: {@link #forward} caches what {@link #backward} needs,
 * and backward accumulates parameter gradients (see {@link Parameter}) and returns the input gradient. Outputs are
 * buffers of the pass, valid until its next forward or backward; the input given to forward must stay unchanged until
 * backward has run.
 */
public abstract class Pass {

    /** The batch size this pass was allocated for. */
    public abstract int batch();

    /** Computes and returns the layer's output for input {@code x} ({@code [batch×in]}). */
    public abstract Tensor forward(Tensor x);

    /**
     * Back-propagates {@code dy} (gradient of the loss with respect to the last forward's output): accumulates the
     * gradients of trainable parameters and returns the input gradient, or null when {@code inputGradient} is false.
     */
    public abstract Tensor backward(Tensor dy, boolean inputGradient);

    /** {@link #backward(Tensor, boolean)} with the input gradient. */
    public final Tensor backward(Tensor dy) {
        return backward(dy, true);
    }

    /**
     * Writes {@code g = dL/dW + beta·g} over every entry of {@code layer}'s weight, active or not, from the inputs and
     * output gradients cached by the last forward and backward; false if {@code layer} is not part of this pass.
     */
    public abstract boolean denseWeightGrad(Linear layer, Tensor g, float beta);

    /** Appends the outputs of this pass's activation layers (the neurons the diagnostics score), in forward order. */
    public abstract void features(List<Feature> out);

    /** An activation layer's output from the last forward, {@code [batch×width]}. */
    public record Feature(String name, Tensor output) {
    }
}
