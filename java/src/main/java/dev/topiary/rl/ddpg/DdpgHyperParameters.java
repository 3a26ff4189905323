package dev.topiary.rl.ddpg;

import dev.topiary.rl.simba.SimbaHyperParameters;
import dev.topiary.rl.simba.SimbaSettings.Generic;
import dev.topiary.rl.simba.SimbaSettings.Networks;
import dev.topiary.rl.simba.SimbaSettings.Optimizers;

import static dev.topiary.rl.simba.SimbaSettings.check;

/**
 * Every SimBa DDPG setting (spec §5); {@link #defaults()} is the sibling paper's configuration.
 *
 * @param generic               batch 256, buffer 1e6, γ 0.99, UTD 2, τ 0.005 (for the target critic and actor)
 * @param networks              critic 512 × 2 blocks (one Q-head), actor 128 × 1 block, width multiplier 1
 * @param optimizers            AdamW lr 1e-4, wd 1e-2 for actor and critic
 * @param exploration           Gaussian exploration noise σ 0.1 on the action, in the agent's [−1, 1] space
 * @param normalizeObservations SimBa's running-statistics observation normalisation (on)
 */
public record DdpgHyperParameters(Generic generic, Networks networks, Optimizers optimizers,
                                  Exploration exploration, boolean normalizeObservations)
        implements SimbaHyperParameters {

    /** a = clip(tanh(π(s)) + N(0, σ²), −1, 1) while exploring; σ = 0.1. */
    public record Exploration(double noise) {
        public Exploration {
            check(noise >= 0 && Double.isFinite(noise), "exploration.noise", noise, "finite and ≥ 0");
        }
    }

    public static DdpgHyperParameters defaults() {
        return new DdpgHyperParameters(Generic.defaults(), Networks.defaults(), Optimizers.defaults(),
                new Exploration(0.1), true);
    }

    public DdpgHyperParameters withGeneric(Generic g) {
        return new DdpgHyperParameters(g, networks, optimizers, exploration, normalizeObservations);
    }

    public DdpgHyperParameters withNetworks(Networks n) {
        return new DdpgHyperParameters(generic, n, optimizers, exploration, normalizeObservations);
    }

    public DdpgHyperParameters withOptimizers(Optimizers o) {
        return new DdpgHyperParameters(generic, networks, o, exploration, normalizeObservations);
    }

    public DdpgHyperParameters withExploration(Exploration e) {
        return new DdpgHyperParameters(generic, networks, optimizers, e, normalizeObservations);
    }

    public DdpgHyperParameters withNormalizeObservations(boolean on) {
        return new DdpgHyperParameters(generic, networks, optimizers, exploration, on);
    }

    public DdpgHyperParameters withWidthMultiplier(double m) {
        return withNetworks(networks.withWidthMultiplier(m));
    }

    public DdpgHyperParameters withBatchSize(int b) {
        return withGeneric(generic.withBatchSize(b));
    }

    public DdpgHyperParameters withUpdatesPerStep(int n) {
        return withGeneric(generic.withUpdatesPerStep(n));
    }
}
