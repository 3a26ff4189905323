package dev.topiary.nn;

import dev.topiary.backend.Backend;
import dev.topiary.backend.Tensor;

import java.util.List;

/**
 * Row-wise LayerNorm {@code y = (x − μ)/sqrt(σ² + ε) ⊙ γ + β}. MR.Q's has no affine parameters ({@code affine =
 * false}, γ = 1 and β = 0 implied); SimBa's has them (γ starts at 1, β at 0).
 */
public final class LayerNorm extends Layer {
    /** PyTorch's default ε, which MR.Q uses. */
    public static final float DEFAULT_EPS = 1e-5f;

    private final LayerContext ctx;
    private final int width;
    private final float eps;
    private final VectorParameter gamma;
    private final VectorParameter beta;

    public LayerNorm(LayerContext ctx, String name, int width, boolean affine) {
        super(name);
        this.ctx = ctx;
        this.width = width;
        this.eps = DEFAULT_EPS;
        this.gamma = affine ? new VectorParameter(ctx, name + ".gamma", width) : null;
        this.beta = affine ? new VectorParameter(ctx, name + ".beta", width) : null;
        if (affine) {
            ctx.backend().elements().fill(gamma.value(), 1);
        }
    }

    public boolean affine() {
        return gamma != null;
    }

    /** γ, or null without affine parameters. */
    public VectorParameter gamma() {
        return gamma;
    }

    /** β, or null without affine parameters. */
    public VectorParameter beta() {
        return beta;
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
        return gamma == null ? List.of() : List.of(gamma, beta);
    }

    @Override
    public List<Linear> linears() {
        return List.of();
    }

    @Override
    public void describe(StringBuilder out, String indent) {
        out.append(indent).append(name()).append(": LayerNorm ").append(width).append(affine() ? " (affine)" : "")
                .append('\n');
    }

    @Override
    public Pass newPass(int batch) {
        return new NormPass(batch);
    }

    private final class NormPass extends Pass {
        private final int batch;
        private final Tensor y;
        private final Tensor mean;
        private final Tensor rstd;
        private final Tensor dx;
        private Tensor dgammaScratch;
        private Tensor dbetaScratch;
        private Tensor x;

        NormPass(int batch) {
            this.batch = batch;
            this.y = ctx.arena().f32(batch, width);
            this.mean = ctx.arena().f32(batch, 1);
            this.rstd = ctx.arena().f32(batch, 1);
            this.dx = ctx.arena().f32(batch, width);
        }

        @Override
        public int batch() {
            return batch;
        }

        @Override
        public Tensor forward(Tensor x) {
            this.x = x;
            ctx.backend().nn().layerNorm(x, gamma == null ? null : gamma.value(), beta == null ? null : beta.value(),
                    eps, y, mean, rstd);
            return y;
        }

        @Override
        public Tensor backward(Tensor dy, boolean inputGradient) {
            Backend b = ctx.backend();
            if (gamma == null) {
                b.nn().layerNormBackward(dy, x, null, mean, rstd, dx, null, null);
            } else if (!gamma.trainable()) {
                ensureScratch();
                b.nn().layerNormBackward(dy, x, gamma.value(), mean, rstd, dx, dgammaScratch, dbetaScratch);
            } else if (gamma.takeGradBeta() == 0f) {
                beta.takeGradBeta();
                b.nn().layerNormBackward(dy, x, gamma.value(), mean, rstd, dx, gamma.grad(), beta.grad());
            } else {
                // The op overwrites dγ and dβ: accumulate a second application's through scratch.
                beta.takeGradBeta();
                ensureScratch();
                b.nn().layerNormBackward(dy, x, gamma.value(), mean, rstd, dx, dgammaScratch, dbetaScratch);
                b.elements().axpby(1f, gamma.grad(), 1f, dgammaScratch, gamma.grad());
                b.elements().axpby(1f, beta.grad(), 1f, dbetaScratch, beta.grad());
            }
            return inputGradient ? dx : null;
        }

        private void ensureScratch() {
            if (dgammaScratch == null) {
                dgammaScratch = ctx.arena().f32(1, width);
                dbetaScratch = ctx.arena().f32(1, width);
            }
        }

        @Override
        public boolean denseWeightGrad(Linear layer, Tensor g, float beta) {
            return false;
        }

        @Override
        public void features(List<Feature> out) {
        }
    }
}
