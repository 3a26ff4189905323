package dev.topiary.nn;

import dev.topiary.backend.Tensor;

import java.util.List;

/**
 * Pre-layer residual block {@code h ← h + F(h)}: the identity shortcut bypasses everything in {@code F} (for the
 * architecture types, {@code F = σ(LN(W h + b))}; for SimBa, {@code F = W₂ ReLU(W₁ LN(h))}). Backward:
 * {@code dh = dy + F'(h)ᵀ dy}.
 */
public final class PreResidual extends Layer {
    private final LayerContext ctx;
    private final Layer inner;

    public PreResidual(LayerContext ctx, String name, Layer inner) {
        super(name);
        if (inner.inFeatures() != inner.outFeatures()) {
            throw new IllegalArgumentException("residual block " + name + ": the inner map is " + inner.inFeatures()
                    + " -> " + inner.outFeatures() + " but a shortcut needs equal widths");
        }
        this.ctx = ctx;
        this.inner = inner;
    }

    public Layer inner() {
        return inner;
    }

    @Override
    public int inFeatures() {
        return inner.inFeatures();
    }

    @Override
    public int outFeatures() {
        return inner.outFeatures();
    }

    @Override
    public List<Parameter> parameters() {
        return inner.parameters();
    }

    @Override
    public List<Linear> linears() {
        return inner.linears();
    }

    @Override
    public void describe(StringBuilder out, String indent) {
        out.append(indent).append(name()).append(": PreResidual (h + F(h))\n");
        inner.describe(out, indent + "  ");
    }

    @Override
    public Pass newPass(int batch) {
        Pass innerPass = inner.newPass(batch);
        Tensor y = ctx.arena().f32(batch, outFeatures());
        Tensor dx = ctx.arena().f32(batch, inFeatures());
        return new Pass() {
            @Override
            public int batch() {
                return batch;
            }

            @Override
            public Tensor forward(Tensor x) {
                ctx.backend().elements().axpby(1f, x, 1f, innerPass.forward(x), y);
                return y;
            }

            @Override
            public Tensor backward(Tensor dy, boolean inputGradient) {
                Tensor dInner = innerPass.backward(dy, inputGradient);
                if (!inputGradient) {
                    return null;
                }
                ctx.backend().elements().axpby(1f, dy, 1f, dInner, dx);
                return dx;
            }

            @Override
            public boolean denseWeightGrad(Linear layer, Tensor g, float beta) {
                return innerPass.denseWeightGrad(layer, g, beta);
            }

            @Override
            public void features(List<Feature> out) {
                innerPass.features(out);
            }
        };
    }
}
