package dev.topiary.rl.mrq;

import dev.topiary.backend.AdamW;
import dev.topiary.nn.LayerContext;
import dev.topiary.nn.Module;
import dev.topiary.nn.MrqConfig;
import dev.topiary.nn.MrqNetworks;
import dev.topiary.nn.Network;
import dev.topiary.sparse.RegimePlan;
import dev.topiary.sparse.SparseModule;

import java.util.List;

/**
 * MR.Q's three trained modules under their regimes, and their target copies (f̄, ḡ, Q̄, π̄), which are never
 * optimised and are refreshed by a hard copy, connectivity included.
 */
final class MrqModel {
    final MrqConfig shape;
    final SparseModule encoder;
    final SparseModule value;
    final SparseModule policy;
    final Module encoderTarget;
    final Module valueTarget;
    final Module policyTarget;

    /**
     * @param encoderSteps T of the encoder (its optimizer steps over the whole run)
     * @param rlSteps      T of the value and policy modules
     */
    MrqModel(LayerContext ctx, MrqHyperParameters hp, MrqConfig shape, RegimePlan plan, long encoderSteps,
             long rlSteps, long seed) {
        this.shape = shape;
        MrqHyperParameters.Optimizers o = hp.optimizers();
        AdamW encHp = AdamW.of((float) o.encoderLr(), (float) o.encoderWd());
        AdamW valHp = AdamW.of((float) o.valueLr(), (float) o.valueWd());
        AdamW polHp = AdamW.of((float) o.policyLr(), (float) o.policyWd());
        float clip = (float) o.valueGradClip();
        this.encoder = SparseModule.create(MrqNetworks.encoder(ctx, shape, "encoder", encHp), plan.encoder(),
                encoderSteps, seed ^ 0x1001L);
        this.value = SparseModule.create(MrqNetworks.value(ctx, shape, "value", valHp, clip), plan.critic(), rlSteps,
                seed ^ 0x2002L);
        this.policy = SparseModule.create(MrqNetworks.policy(ctx, shape, "policy", polHp), plan.actor(), rlSteps,
                seed ^ 0x3003L);
        this.encoderTarget = MrqNetworks.encoder(ctx, shape, "encoder_target", encHp);
        this.valueTarget = MrqNetworks.value(ctx, shape, "value_target", valHp, clip);
        this.policyTarget = MrqNetworks.policy(ctx, shape, "policy_target", polHp);
        encoderTarget.setTrainable(false);
        valueTarget.setTrainable(false);
        policyTarget.setTrainable(false);
        updateTargets();
    }

    /** θ̄ ← θ for every network of every module. */
    void updateTargets() {
        copy(encoder.module(), encoderTarget);
        copy(value.module(), valueTarget);
        copy(policy.module(), policyTarget);
    }

    private static void copy(Module from, Module to) {
        List<Network> src = from.networks();
        List<Network> dst = to.networks();
        for (int i = 0; i < src.size(); i++) {
            dst.get(i).copyWeightsFrom(src.get(i));
        }
    }

    Network zs() {
        return encoder.module().network("zs");
    }

    Network za() {
        return encoder.module().network("za");
    }

    Network zsa() {
        return encoder.module().network("zsa");
    }

    Network dynamics() {
        return encoder.module().network("model");
    }

    Network q1() {
        return value.module().network("q1");
    }

    Network q2() {
        return value.module().network("q2");
    }

    Network pi() {
        return policy.module().network("pi");
    }

    /** Every module, trained ones first: what a checkpoint stores. */
    List<Module> allModules() {
        return List.of(encoder.module(), value.module(), policy.module(), encoderTarget, valueTarget, policyTarget);
    }

    List<SparseModule> trained() {
        return List.of(encoder, value, policy);
    }
}
