package dev.topiary.nn;

import dev.topiary.backend.Backend;
import dev.topiary.backend.BlasOps.Trans;
import dev.topiary.backend.ReduceOps;
import dev.topiary.backend.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code y = x (W ⊙ M)ᵀ + b}: a linear layer over a {@link WeightParameter} in any layout, with an optional bias
 * (always dense). Backward: {@code dW = (dyᵀ x) ⊙ M}, {@code db = Σ_rows dy}, {@code dx = dy (W ⊙ M)}.
 */
public final class Linear extends Layer {
    private final LayerContext ctx;
    private final WeightParameter weight;
    private final VectorParameter bias;

    public Linear(LayerContext ctx, String name, int in, int out, boolean bias) {
        super(name);
        this.ctx = ctx;
        this.weight = new WeightParameter(ctx, name + ".weight", out, in);
        this.bias = bias ? new VectorParameter(ctx, name + ".bias", out) : null;
    }

    /** Backend, arena and workspace this layer was built in. */
    public LayerContext context() {
        return ctx;
    }

    public WeightParameter weight() {
        return weight;
    }

    /** The bias, or null. */
    public VectorParameter bias() {
        return bias;
    }

    @Override
    public int inFeatures() {
        return weight.cols();
    }

    @Override
    public int outFeatures() {
        return weight.rows();
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>(2);
        ps.add(weight);
        if (bias != null) {
            ps.add(bias);
        }
        return ps;
    }

    @Override
    public List<Linear> linears() {
        return List.of(this);
    }

    @Override
    public void describe(StringBuilder out, String indent) {
        out.append(indent).append(name()).append(": Linear ").append(inFeatures()).append(" -> ").append(outFeatures())
                .append(bias == null ? " (no bias)" : "").append('\n');
    }

    @Override
    public Pass newPass(int batch) {
        return new LinearPass(batch);
    }

    private final class LinearPass extends Pass {
        private final int batch;
        private final Tensor y;
        private final Tensor dx;
        private Tensor x;
        private Tensor dy;

        LinearPass(int batch) {
            this.batch = batch;
            this.y = ctx.arena().f32(batch, outFeatures());
            this.dx = ctx.arena().f32(batch, inFeatures());
        }

        @Override
        public int batch() {
            return batch;
        }

        @Override
        public Tensor forward(Tensor x) {
            this.x = x;
            ctx.backend().sparse().forward(x, weight.weight(), bias == null ? null : bias.value(), y);
            return y;
        }

        @Override
        public Tensor backward(Tensor dy, boolean inputGradient) {
            Backend b = ctx.backend();
            this.dy = dy;
            if (weight.trainable()) {
                b.sparse().backwardWeight(dy, x, weight.weight(), weight.takeGradBeta(), weight.grad());
            }
            if (bias != null && bias.trainable()) {
                b.reduce().cols(ReduceOps.Kind.SUM, dy, bias.takeGradBeta(), bias.grad());
            }
            if (!inputGradient) {
                return null;
            }
            b.sparse().backwardInput(dy, weight.weight(), 0f, dx);
            return dx;
        }

        @Override
        public boolean denseWeightGrad(Linear layer, Tensor g, float beta) {
            if (layer != Linear.this) {
                return false;
            }
            if (dy == null) {
                throw new IllegalStateException("dense gradient of " + name() + ": no backward pass has run yet");
            }
            if (beta == 0f) {
                ctx.backend().sparse().denseWeightGrad(dy, x, g);
            } else {
                ctx.backend().blas().gemm(Trans.T, Trans.N, 1f, dy, x, beta, g);
            }
            return true;
        }

        @Override
        public void features(List<Feature> out) {
        }
    }
}
