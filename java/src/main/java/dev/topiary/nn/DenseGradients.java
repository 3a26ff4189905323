package dev.topiary.nn;

import dev.topiary.backend.Tensor;

/**
 * Where gradient-based growth (RigL, sparse-to-dense) gets its scores: the dense gradient {@code dL/dW} of the
 * module's own loss on the current batch, over every entry of a layer's weight, active or not. Callers usually pass
 * {@link #of(Pass...)} over the passes of the step they just back-propagated; it computes each layer's gradient only
 * when asked.
 */
@FunctionalInterface
public interface DenseGradients {

    /** Overwrites {@code g} ({@code F32[rows×cols]} of the layer's weight) with {@code dL/dW}. */
    void write(Linear layer, Tensor g);

    /** Gradients summed over every pass the layer took part in (a layer applied twice gets both contributions). */
    static DenseGradients of(Pass... passes) {
        return (layer, g) -> {
            float beta = 0f;
            for (Pass p : passes) {
                if (p.denseWeightGrad(layer, g, beta)) {
                    beta = 1f;
                }
            }
            if (beta == 0f) {
                throw new IllegalArgumentException("dense gradient of " + layer.name() + ": the layer took part in "
                        + "none of the " + passes.length + " passes given");
            }
        };
    }

    /** For regimes that never grow by gradient: fails if asked. */
    DenseGradients NONE = (layer, g) -> {
        throw new IllegalStateException("no gradients were supplied, but the topology update of " + layer.name()
                + " needs the dense gradient of the module's loss");
    };
}
