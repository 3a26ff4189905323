package dev.topiary.nn;

import dev.topiary.backend.Tensor;

import java.util.List;

/**
 * Post-layer residual block {@code h ← post(h + W h + b)}, with {@code post} = LayerNorm then activation: the
 * shortcut joins before normalisation (the variant MST's ablation rejects). Backward: with {@code d = post'ᵀ dy},
 * {@code dh = d + Wᵀ d}.
 */
public final class PostResidual extends Layer {
    private final LayerContext ctx;
    private final Linear linear;
    private final Layer post;

    public PostResidual(LayerContext ctx, String name, Linear linear, Layer post) {
        super(name);
        if (linear.inFeatures() != linear.outFeatures() || post.inFeatures() != linear.outFeatures()
                || post.outFeatures() != linear.outFeatures()) {
            throw new IllegalArgumentException("post-residual block " + name + " needs a square linear map and a "
                    + "width-preserving post map");
        }
        this.ctx = ctx;
        this.linear = linear;
        this.post = post;
    }

    @Override
    public int inFeatures() {
        return linear.inFeatures();
    }

    @Override
    public int outFeatures() {
        return linear.outFeatures();
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> ps = new java.util.ArrayList<>(linear.parameters());
        ps.addAll(post.parameters());
        return ps;
    }

    @Override
    public List<Linear> linears() {
        return List.of(linear);
    }

    @Override
    public void describe(StringBuilder out, String indent) {
        out.append(indent).append(name()).append(": PostResidual (post(h + W h + b))\n");
        linear.describe(out, indent + "  ");
        post.describe(out, indent + "  ");
    }

    @Override
    public Pass newPass(int batch) {
        Pass linearPass = linear.newPass(batch);
        Pass postPass = post.newPass(batch);
        Tensor sum = ctx.arena().f32(batch, outFeatures());
        Tensor dx = ctx.arena().f32(batch, inFeatures());
        return new Pass() {
            @Override
            public int batch() {
                return batch;
            }

            @Override
            public Tensor forward(Tensor x) {
                ctx.backend().elements().axpby(1f, x, 1f, linearPass.forward(x), sum);
                return postPass.forward(sum);
            }

            @Override
            public Tensor backward(Tensor dy, boolean inputGradient) {
                Tensor d = postPass.backward(dy, true);
                Tensor dLinear = linearPass.backward(d, inputGradient);
                if (!inputGradient) {
                    return null;
                }
                ctx.backend().elements().axpby(1f, d, 1f, dLinear, dx);
                return dx;
            }

            @Override
            public boolean denseWeightGrad(Linear layer, Tensor g, float beta) {
                return linearPass.denseWeightGrad(layer, g, beta);
            }

            @Override
            public void features(List<Feature> out) {
                postPass.features(out);
            }
        };
    }
}
