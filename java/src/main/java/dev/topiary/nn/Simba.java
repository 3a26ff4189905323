package dev.topiary.nn;

import dev.topiary.backend.NnOps.Activation;

import java.util.ArrayList;
import java.util.List;

/**
 * SimBa networks (Lee et al. 2024), as the sibling paper's SAC and DDPG use them: a linear embedding, residual blocks
 * {@code x + W₂ ReLU(W₁ LN(x))} with {@code W₁: h → 4h} and {@code W₂: 4h → h}, a final LayerNorm, then a linear
 * head. Its LayerNorms have affine parameters.
 */
public final class Simba {
    /** Inner width of a block, as a multiple of the block's width. */
    public static final int EXPANSION = 4;

    private Simba() {
    }

    /** One pre-LN residual block of width {@code width}: {@code x + W₂ ReLU(W₁ LN(x))}. */
    public static PreResidual block(LayerContext ctx, String name, int width) {
        List<Layer> inner = List.of(
                new LayerNorm(ctx, name + ".norm", width, true),
                new Linear(ctx, name + ".up", width, EXPANSION * width, true),
                new ActivationLayer(ctx, name + ".act", Activation.RELU, EXPANSION * width),
                new Linear(ctx, name + ".down", EXPANSION * width, width, true));
        return new PreResidual(ctx, name, new Sequential(name, inner));
    }

    /** Embedding {@code in → width}, {@code blocks} residual blocks, final LayerNorm, head {@code width → out}. */
    public static Network network(LayerContext ctx, String name, int in, int width, int blocks, int out) {
        List<Layer> layers = new ArrayList<>();
        layers.add(new Linear(ctx, "embed", in, width, true));
        for (int i = 0; i < blocks; i++) {
            layers.add(block(ctx, "block" + i, width));
        }
        layers.add(new LayerNorm(ctx, "final.norm", width, true));
        layers.add(new Linear(ctx, "head", width, out, true));
        return new Network(name, new Sequential(name, layers));
    }
}
