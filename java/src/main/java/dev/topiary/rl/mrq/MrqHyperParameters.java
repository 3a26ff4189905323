package dev.topiary.rl.mrq;

import dev.topiary.nn.ArchType;
import dev.topiary.nn.MrqConfig;

/**
 * Every MR.Q setting, grouped as the paper's hyper-parameter table (spec §4.3); {@link #defaults()} is that table.
 * Discrete-action tasks halve the three noise settings (§4.2 item 7); {@link #forDiscrete()} applies that.
 */
public record MrqHyperParameters(Generic generic, Exploration exploration, TargetSmoothing targetSmoothing,
                                 EncoderLoss encoderLoss, Lap lap, Horizons horizons, Networks networks,
                                 Optimizers optimizers, Policy policy, RewardModel rewardModel) {

    /** Batch 256, buffer 1e6, γ 0.99, target networks hard-copied every 250 training calls. */
    public record Generic(int batchSize, int bufferSize, double discount, int targetUpdateInterval) {
        public Generic {
            require(batchSize >= 1, "generic.batchSize", batchSize, "≥ 1");
            require(bufferSize >= 16, "generic.bufferSize", bufferSize, "≥ 16");
            require(discount > 0 && discount <= 1, "generic.discount", discount, "in (0, 1]");
            require(targetUpdateInterval >= 1, "generic.targetUpdateInterval", targetUpdateInterval, "≥ 1");
        }
    }

    /** 10,000 uniformly random steps before training; Gaussian exploration noise σ = 0.2. */
    public record Exploration(int initialRandomSteps, double noise) {
        public Exploration {
            require(initialRandomSteps >= 0, "exploration.initialRandomSteps", initialRandomSteps, "≥ 0");
            require(noise >= 0, "exploration.noise", noise, "≥ 0");
        }
    }

    /** TD3-style target smoothing: noise σ 0.2 clipped to ±0.3. */
    public record TargetSmoothing(double noise, double clip) {
        public TargetSmoothing {
            require(noise >= 0, "targetSmoothing.noise", noise, "≥ 0");
            require(clip >= 0, "targetSmoothing.clip", clip, "≥ 0");
        }
    }

    /** Weights of the encoder's per-step loss terms: dynamics 1, reward 0.1, done 0.1. */
    public record EncoderLoss(double dynamics, double reward, double done) {
        public EncoderLoss {
            require(dynamics >= 0 && reward >= 0 && done >= 0, "encoderLoss weights", dynamics + "/" + reward + "/"
                    + done, "≥ 0");
        }
    }

    /** LAP prioritised replay: on, α 0.4, minimum priority 1. */
    public record Lap(boolean prioritized, double alpha, double minPriority) {
        public Lap {
            require(alpha >= 0, "lap.alpha", alpha, "≥ 0");
            require(minPriority > 0, "lap.minPriority", minPriority, "> 0");
        }
    }

    /** Encoder rollout horizon 5, value (n-step return) horizon 3. */
    public record Horizons(int encoder, int q) {
        public Horizons {
            require(encoder >= 1, "horizons.encoder", encoder, "≥ 1");
            require(q >= 1, "horizons.q", q, "≥ 1");
        }
    }

    /**
     * Widths before the multiplier (z_s 512, z_sa 512, z_a 256, hidden 512), the width multiplier (the paper's
     * scaling knob), and each module's architecture type (MR.Q: encoder and value Type 4, policy Type 3).
     */
    public record Networks(int zs, int zsa, int za, int hidden, double widthMultiplier, ArchType encoderType,
                           ArchType valueType, ArchType policyType) {
        public Networks {
            require(zs >= 1 && zsa >= 1 && za >= 1 && hidden >= 1, "networks widths", zs + "/" + zsa + "/" + za + "/"
                    + hidden, "≥ 1");
            require(widthMultiplier > 0, "networks.widthMultiplier", widthMultiplier, "> 0");
        }
    }

    /** AdamW per module: encoder lr 1e-4, value and policy lr 3e-4, weight decay 1e-4; value gradient clip 20. */
    public record Optimizers(double encoderLr, double encoderWd, double valueLr, double valueWd, double valueGradClip,
                             double policyLr, double policyWd) {
        public Optimizers {
            require(encoderLr > 0 && valueLr > 0 && policyLr > 0, "optimizers learning rates", encoderLr + "/"
                    + valueLr + "/" + policyLr, "> 0");
            require(encoderWd >= 0 && valueWd >= 0 && policyWd >= 0, "optimizers weight decays", encoderWd + "/"
                    + valueWd + "/" + policyWd, "≥ 0");
            require(valueGradClip >= 0, "optimizers.valueGradClip", valueGradClip, "≥ 0 (0: no clipping)");
        }
    }

    /** Gumbel-softmax temperature τ 10 (discrete actions); weight 1e-5 of the pre-activation penalty. */
    public record Policy(double gumbelTau, double preActivationWeight) {
        public Policy {
            require(gumbelTau > 0, "policy.gumbelTau", gumbelTau, "> 0");
            require(preActivationWeight >= 0, "policy.preActivationWeight", preActivationWeight, "≥ 0");
        }
    }

    /** The reward model's two-hot bins: 65 at symexp(linspace(−10, 10, 65)). */
    public record RewardModel(int bins, double lower, double upper) {
        public RewardModel {
            require(bins >= 2, "rewardModel.bins", bins, "≥ 2");
            require(lower < upper, "rewardModel.lower/upper", lower + "/" + upper, "lower < upper");
        }
    }

    /** The paper's table (spec §4.3). */
    public static MrqHyperParameters defaults() {
        return new MrqHyperParameters(
                new Generic(256, 1_000_000, 0.99, 250),
                new Exploration(10_000, 0.2),
                new TargetSmoothing(0.2, 0.3),
                new EncoderLoss(1, 0.1, 0.1),
                new Lap(true, 0.4, 1),
                new Horizons(5, 3),
                new Networks(512, 512, 256, 512, 1, ArchType.TYPE_4, ArchType.TYPE_4, ArchType.TYPE_3),
                new Optimizers(1e-4, 1e-4, 3e-4, 1e-4, 20, 3e-4, 1e-4),
                new Policy(10, 1e-5),
                new RewardModel(65, -10, 10));
    }

    /** Exploration noise, target-policy noise and its clip halved, as MR.Q does for discrete actions. */
    public MrqHyperParameters forDiscrete() {
        return withExploration(new Exploration(exploration.initialRandomSteps(), exploration.noise() * 0.5))
                .withTargetSmoothing(new TargetSmoothing(targetSmoothing.noise() * 0.5, targetSmoothing.clip() * 0.5));
    }

    public MrqHyperParameters withGeneric(Generic g) {
        return new MrqHyperParameters(g, exploration, targetSmoothing, encoderLoss, lap, horizons, networks,
                optimizers, policy, rewardModel);
    }

    public MrqHyperParameters withExploration(Exploration e) {
        return new MrqHyperParameters(generic, e, targetSmoothing, encoderLoss, lap, horizons, networks, optimizers,
                policy, rewardModel);
    }

    public MrqHyperParameters withTargetSmoothing(TargetSmoothing t) {
        return new MrqHyperParameters(generic, exploration, t, encoderLoss, lap, horizons, networks, optimizers,
                policy, rewardModel);
    }

    public MrqHyperParameters withNetworks(Networks n) {
        return new MrqHyperParameters(generic, exploration, targetSmoothing, encoderLoss, lap, horizons, n,
                optimizers, policy, rewardModel);
    }

    public MrqHyperParameters withWidthMultiplier(double m) {
        Networks n = networks;
        return withNetworks(new Networks(n.zs(), n.zsa(), n.za(), n.hidden(), m, n.encoderType(), n.valueType(),
                n.policyType()));
    }

    public MrqHyperParameters withLap(Lap l) {
        return new MrqHyperParameters(generic, exploration, targetSmoothing, encoderLoss, l, horizons, networks,
                optimizers, policy, rewardModel);
    }

    /** The network shapes for a task with these observation and action widths. */
    public MrqConfig networkConfig(int obsDim, int actionDim) {
        Networks n = networks;
        return new MrqConfig(obsDim, actionDim, n.widthMultiplier(), n.encoderType(), n.valueType(), n.policyType(),
                n.hidden(), n.zs(), n.zsa(), n.za(), rewardModel.bins());
    }

    private static void require(boolean ok, String name, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("MR.Q hyper-parameter " + name + " = " + value + " must be " + expected);
        }
    }
}
