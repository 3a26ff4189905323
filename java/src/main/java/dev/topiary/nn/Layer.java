package dev.topiary.nn;

import java.util.List;

/**
 * A differentiable map from {@code [batch×in]} to {@code [batch×out]} with a hand-written backward pass. A layer owns
 * its parameters; the buffers of one application to a batch (outputs, cached inputs, statistics) belong to a
 * {@link Pass}, allocated once per batch size and reused every step.
 */
public abstract class Layer {
    private final String name;

    protected Layer(String name) {
        this.name = name;
    }

    /** Name within its network; parameter names extend it. */
    public final String name() {
        return name;
    }

    public abstract int inFeatures();

    public abstract int outFeatures();

    /** The buffers for one application of this layer to {@code batch} rows, allocated now in the layer's arena. */
    public abstract Pass newPass(int batch);

    /** The learnable parameters of this layer and the layers inside it, in a fixed order. */
    public abstract List<Parameter> parameters();

    /** The linear layers inside this layer (itself if it is one), in forward order. */
    public abstract List<Linear> linears();

    /** One line per layer, indented by depth: what the architecture tests and the logs show. */
    public abstract void describe(StringBuilder out, String indent);
}
