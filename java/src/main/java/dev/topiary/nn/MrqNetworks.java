package dev.topiary.nn;

import dev.topiary.backend.AdamW;

import java.util.List;

/**
 * MR.Q's three modules (facebookresearch/MRQ {@code models.py}), built on any backend:
 *
 * <ul>
 *   <li><b>encoder</b> (AdamW lr 1e-4, wd 1e-4): {@code zs} = {@code σ(LN(BaseMLP(obs → z_s)))}, {@code za} =
 *       {@code σ(Linear(action → z_a))}, {@code zsa} = {@code BaseMLP([z_s, z_a] → z_sa)}, {@code model} =
 *       {@code Linear(z_sa → 1 + z_s + bins)} (terminal, next z_s, reward logits);</li>
 *   <li><b>value</b> (AdamW lr 3e-4, wd 1e-4, gradient norm clipped at 20): two heads {@code q1}, {@code q2}, each
 *       {@code Linear(hidden → 1)(σ(LN(BaseMLP(z_sa → hidden))))}, i.e. depth 3 and a scalar output;</li>
 *   <li><b>policy</b> (AdamW lr 3e-4, wd 1e-4): {@code pi} = {@code BaseMLP(z_s → action)}, pre-activation (the
 *       algorithm applies tanh or Gumbel-softmax).</li>
 * </ul>
 *
 * {@code BaseMLP(in → out)} is two hidden layers of the module's type and a linear output. At the defaults on a
 * 223-dim observation and 38-dim action (DMC dog-run) the counts are 1,865,538 / 1,576,962 / 544,806 = 3,987,306.
 * Weights are unallocated until a sparsity regime (or the first use) picks their layout; call
 * {@link Module#initialise} after that.
 */
public final class MrqNetworks {
    /** MR.Q's value gradient clip. */
    public static final float VALUE_GRAD_CLIP = 20f;

    private MrqNetworks() {
    }

    public static Module encoder(LayerContext ctx, MrqConfig c) {
        return encoder(ctx, c, "encoder", AdamW.of(1e-4f, 1e-4f));
    }

    /** The encoder under another name (a target copy) or with other optimizer settings. */
    public static Module encoder(LayerContext ctx, MrqConfig c, String name, AdamW hp) {
        ArchType t = c.encoderType();
        Network zs = Mlp.builder().type(t).input(c.obsDim()).hidden(c.hiddenWidth()).depth(2).output(c.zs())
                .activatedOutput(true).build(ctx, "zs");
        Network za = new Network("za", new Sequential("za", List.of(
                new Linear(ctx, "linear", c.actionDim(), c.za(), true),
                new ActivationLayer(ctx, "act", t.activation(), c.za()))));
        Network zsa = Mlp.builder().type(t).input(c.zs() + c.za()).hidden(c.hiddenWidth()).depth(2).output(c.zsa())
                .build(ctx, "zsa");
        Network model = new Network("model", new Linear(ctx, "linear", c.zsa(), 1 + c.zs() + c.rewardBins(), true));
        return new Module(name, ctx, hp, 0f, List.of(zs, za, zsa, model));
    }

    public static Module value(LayerContext ctx, MrqConfig c) {
        return value(ctx, c, "value", AdamW.of(3e-4f, 1e-4f), VALUE_GRAD_CLIP);
    }

    /** The value module under another name or with other optimizer settings ({@code gradClip = 0}: none). */
    public static Module value(LayerContext ctx, MrqConfig c, String name, AdamW hp, float gradClip) {
        return new Module(name, ctx, hp, gradClip, List.of(valueHead(ctx, c, "q1"), valueHead(ctx, c, "q2")));
    }

    private static Network valueHead(LayerContext ctx, MrqConfig c, String name) {
        return Mlp.builder().type(c.valueType()).input(c.zsa()).hidden(c.hiddenWidth()).depth(3).output(1)
                .build(ctx, name);
    }

    public static Module policy(LayerContext ctx, MrqConfig c) {
        return policy(ctx, c, "policy", AdamW.of(3e-4f, 1e-4f));
    }

    /** The policy under another name or with other optimizer settings. */
    public static Module policy(LayerContext ctx, MrqConfig c, String name, AdamW hp) {
        Network pi = Mlp.builder().type(c.policyType()).input(c.zs()).hidden(c.hiddenWidth()).depth(2)
                .output(c.actionDim()).build(ctx, "pi");
        return new Module(name, ctx, hp, 0f, List.of(pi));
    }
}
