package dev.topiary.sparse;

import dev.topiary.nn.DenseGradients;

/**
 * A sparse-training regime acting on one module's linear layers. The owner calls {@link #initialise()} once, before
 * the weights are initialised, then after every optimizer step t (the module's own count, from 1) asks
 * {@link #updateDue} and, when due, runs {@link #update} with the dense gradients of the module's loss on the batch
 * it just trained on. Every regime knows T, the module's total number of optimizer steps.
 */
public interface Regime {

    /** Short name for logs: "dense", "static", "rigl", "set", "gmp", "sparse-to-dense". */
    String name();

    /** Chooses each layer's initial connectivity and layout. */
    void initialise();

    /** Whether a topology update runs after module step {@code step}. */
    boolean updateDue(long step);

    /** The topology update after module step {@code step}; {@code gradients} is read only by growth by gradient. */
    TopologyReport update(long step, DenseGradients gradients);
}
