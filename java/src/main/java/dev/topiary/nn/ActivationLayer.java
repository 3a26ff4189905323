package dev.topiary.nn;

import dev.topiary.backend.NnOps.Activation;
import dev.topiary.backend.Tensor;

import java.util.List;

/**
 * An elementwise nonlinearity (ReLU, ELU with α = 1, tanh, ...). Its outputs are the "neurons" the diagnostics score
 * (dormant ratio, feature norms).
 */
public final class ActivationLayer extends Layer {
    private final LayerContext ctx;
    private final Activation f;
    private final int width;

    public ActivationLayer(LayerContext ctx, String name, Activation f, int width) {
        super(name);
        this.ctx = ctx;
        this.f = f;
        this.width = width;
    }

    public Activation function() {
        return f;
    }

    @Override
    public int inFeatures() {
        return width;
    }

    @Override
    public int outFeatures() {
        return width;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public List<Linear> linears() {
        return List.of();
    }

    @Override
    public void describe(StringBuilder out, String indent) {
        out.append(indent).append(name()).append(": ").append(f).append(' ').append(width).append('\n');
    }

    @Override
    public Pass newPass(int batch) {
        return new ActivationPass(batch);
    }

    private final class ActivationPass extends Pass {
        private final int batch;
        private final Tensor y;
        private final Tensor dx;
        private Tensor x;

        ActivationPass(int batch) {
            this.batch = batch;
            this.y = ctx.arena().f32(batch, width);
            this.dx = ctx.arena().f32(batch, width);
        }

        @Override
        public int batch() {
            return batch;
        }

        @Override
        public Tensor forward(Tensor x) {
            this.x = x;
            ctx.backend().nn().activation(f, x, y);
            return y;
        }

        @Override
        public Tensor backward(Tensor dy, boolean inputGradient) {
            if (!inputGradient) {
                return null;
            }
            ctx.backend().nn().activationBackward(f, x, y, dy, dx);
            return dx;
        }

        @Override
        public boolean denseWeightGrad(Linear layer, Tensor g, float beta) {
            return false;
        }

        @Override
        public void features(List<Feature> out) {
            out.add(new Feature(name(), y));
        }
    }
}
