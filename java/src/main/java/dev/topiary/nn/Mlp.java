package dev.topiary.nn;

import dev.topiary.nn.ArchType.Residual;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the MLPs of the six {@link ArchType architecture types}: {@code depth} hidden layers of width
 * {@code round(hidden · widthMultiplier)}, then an optional output layer.
 *
 * <ul>
 *   <li>hidden layer i: {@code σ(LN(W h + b))} (LN only for types 3–6). With a pre-layer residual (types 5 and 6)
 *       every hidden layer after the first, whose input and output widths agree, becomes {@code h + σ(LN(W h + b))};
 *       the first changes the width, so it has no shortcut.</li>
 *   <li>output layer ({@code output > 0}): {@code W h + b}, raw, or {@code σ(LN(W h + b))} with
 *       {@link Builder#activatedOutput}.</li>
 * </ul>
 *
 * MR.Q's {@code BaseMLP(in, out, h)} is depth 2 plus an output layer; its state encoder is the same with an activated
 * output. Layer names: {@code hidden<i>.linear}, {@code hidden<i>.norm}, {@code hidden<i>.act} (inside block
 * {@code hidden<i>} when residual), {@code output.linear}, {@code output.norm}, {@code output.act}.
 */
public final class Mlp {
    private Mlp() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Shape and type of an MLP; {@link #build} makes it. */
    public static final class Builder {
        private ArchType type = ArchType.TYPE_4;
        private Residual residual;
        private int input = -1;
        private int hidden = 512;
        private int depth = 2;
        private int output;
        private double widthMultiplier = 1;
        private boolean activatedOutput;

        public Builder type(ArchType type) {
            this.type = type;
            return this;
        }

        /** Overrides the type's residual placement (e.g. {@code POST} for the ablation). */
        public Builder residual(Residual residual) {
            this.residual = residual;
            return this;
        }

        public Builder input(int input) {
            this.input = input;
            return this;
        }

        /** Hidden width before the multiplier. */
        public Builder hidden(int hidden) {
            this.hidden = hidden;
            return this;
        }

        /** Number of hidden layers, at least 1. */
        public Builder depth(int depth) {
            this.depth = depth;
            return this;
        }

        /** Width of the output layer; 0 for none (the last hidden layer is the output). */
        public Builder output(int output) {
            this.output = output;
            return this;
        }

        public Builder widthMultiplier(double widthMultiplier) {
            this.widthMultiplier = widthMultiplier;
            return this;
        }

        /** Normalise and activate the output layer as the hidden ones are. */
        public Builder activatedOutput(boolean activatedOutput) {
            this.activatedOutput = activatedOutput;
            return this;
        }

        /** The hidden width after the multiplier. */
        public int hiddenWidth() {
            return (int) Math.max(1, Math.round(hidden * widthMultiplier));
        }

        private Residual residualPlacement() {
            return residual != null ? residual : type.residual();
        }

        private void validate() {
            if (input < 1 || depth < 1 || output < 0 || hidden < 1 || !(widthMultiplier > 0)) {
                throw new IllegalArgumentException("MLP needs input ≥ 1, hidden ≥ 1, depth ≥ 1, output ≥ 0 and a "
                        + "positive width multiplier; got input " + input + ", hidden " + hidden + ", depth " + depth
                        + ", output " + output + ", multiplier " + widthMultiplier);
            }
        }

        /** Each linear layer's weight shape as {@code {rows = out, cols = in}}, in forward order. */
        public List<int[]> linearShapes() {
            validate();
            List<int[]> shapes = new ArrayList<>();
            int h = hiddenWidth();
            for (int i = 0; i < depth; i++) {
                shapes.add(new int[] {h, i == 0 ? input : h});
            }
            if (output > 0) {
                shapes.add(new int[] {output, h});
            }
            return shapes;
        }

        /** Parameters of the built network, every weight dense: weights plus biases (LayerNorm has none). */
        public long parameterCount() {
            long n = 0;
            for (int[] s : linearShapes()) {
                n += (long) s[0] * s[1] + s[0];
            }
            return n;
        }

        public Network build(LayerContext ctx, String name) {
            validate();
            int h = hiddenWidth();
            List<Layer> layers = new ArrayList<>();
            for (int i = 0; i < depth; i++) {
                int in = i == 0 ? input : h;
                Residual placement = i == 0 ? Residual.NONE : residualPlacement();
                layers.add(hiddenLayer(ctx, "hidden" + i, in, h, placement));
            }
            if (output > 0) {
                Linear out = new Linear(ctx, "output.linear", h, output, true);
                layers.add(activatedOutput ? normAct(ctx, "output", out) : out);
            }
            return new Network(name, new Sequential(name, layers));
        }

        private Layer hiddenLayer(LayerContext ctx, String name, int in, int width, Residual placement) {
            Linear linear = new Linear(ctx, name + ".linear", in, width, true);
            return switch (placement) {
                case NONE -> normAct(ctx, name, linear);
                case PRE -> new PreResidual(ctx, name, normAct(ctx, name, linear));
                case POST -> new PostResidual(ctx, name, linear, new Sequential(name, postOps(ctx, name, width)));
            };
        }

        /** {@code σ(LN(W h + b))}: the linear layer followed by the type's normalisation and activation. */
        private Layer normAct(LayerContext ctx, String name, Linear linear) {
            List<Layer> layers = new ArrayList<>();
            layers.add(linear);
            layers.addAll(postOps(ctx, name, linear.outFeatures()));
            return new Sequential(name, layers);
        }

        private List<Layer> postOps(LayerContext ctx, String name, int width) {
            List<Layer> layers = new ArrayList<>();
            if (type.layerNorm()) {
                layers.add(new LayerNorm(ctx, name + ".norm", width, false));
            }
            layers.add(new ActivationLayer(ctx, name + ".act", type.activation(), width));
            return layers;
        }
    }
}
