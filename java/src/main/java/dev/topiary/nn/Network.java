package dev.topiary.nn;

import dev.topiary.backend.Tensor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A named stack of layers with one cached {@link Pass} per batch size, so a training loop allocates its buffers on
 * the first step and never again. Use {@link #newPass} for extra independent applications in one step (a rollout).
 */
public final class Network {
    private final String name;
    private final Layer root;
    private final Map<Integer, Pass> passes = new HashMap<>();

    public Network(String name, Layer root) {
        this.name = name;
        this.root = root;
    }

    public String name() {
        return name;
    }

    public Layer root() {
        return root;
    }

    public int inFeatures() {
        return root.inFeatures();
    }

    public int outFeatures() {
        return root.outFeatures();
    }

    public List<Parameter> parameters() {
        return root.parameters();
    }

    public List<Linear> linears() {
        return root.linears();
    }

    public ParameterCount parameterCount() {
        return ParameterCount.of(parameters());
    }

    /** The pass for this batch size, allocated on first use and reused. */
    public Pass pass(int batch) {
        return passes.computeIfAbsent(batch, root::newPass);
    }

    /** A fresh pass with its own buffers. */
    public Pass newPass(int batch) {
        return root.newPass(batch);
    }

    /** Forward through the cached pass of {@code x}'s batch size. */
    public Tensor forward(Tensor x) {
        return pass(x.rows()).forward(x);
    }

    /** Backward through the cached pass of {@code dy}'s batch size. */
    public Tensor backward(Tensor dy, boolean inputGradient) {
        return pass(dy.rows()).backward(dy, inputGradient);
    }

    public void setTrainable(boolean trainable) {
        for (Parameter p : parameters()) {
            p.setTrainable(trainable);
        }
    }

    /**
     * Hard update from a network of identical architecture: every weight (connectivity included) and every vector
     * parameter becomes a copy of {@code src}'s. Optimizer moments are not copied.
     */
    public void copyWeightsFrom(Network src) {
        List<Parameter> to = parameters();
        List<Parameter> from = src.parameters();
        if (to.size() != from.size()) {
            throw new IllegalArgumentException("copy " + src.name + " into " + name + ": " + from.size() + " vs "
                    + to.size() + " parameters");
        }
        for (int i = 0; i < to.size(); i++) {
            Parameter t = to.get(i);
            Parameter f = from.get(i);
            if (t instanceof WeightParameter tw && f instanceof WeightParameter fw) {
                tw.copyWeightsFrom(fw);
            } else if (t instanceof VectorParameter && f instanceof VectorParameter) {
                f.value().backend().elements().copy(f.value(), t.value());
            } else {
                throw new IllegalArgumentException("copy " + src.name + " into " + name + ": parameter " + f.name()
                        + " does not match " + t.name());
            }
        }
    }

    /** The architecture, one line per layer. */
    public String describe() {
        StringBuilder sb = new StringBuilder(name).append(": ").append(inFeatures()).append(" -> ")
                .append(outFeatures()).append(", ").append(parameterCount()).append('\n');
        root.describe(sb, "  ");
        return sb.toString();
    }
}
