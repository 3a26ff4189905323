package dev.topiary.rl.sac;

import dev.topiary.rl.simba.SimbaHyperParameters;
import dev.topiary.rl.simba.SimbaSettings.Generic;
import dev.topiary.rl.simba.SimbaSettings.Networks;
import dev.topiary.rl.simba.SimbaSettings.Optimizers;

import static dev.topiary.rl.simba.SimbaSettings.check;

/**
 * Every SimBa SAC setting (spec §5); {@link #defaults()} is the sibling paper's configuration.
 *
 * @param generic               batch 256, buffer 1e6, γ 0.99, UTD 2, τ 0.005
 * @param networks              critic 512 × 2 blocks (two Q-heads), actor 128 × 1 block, width multiplier 1
 * @param optimizers            AdamW lr 1e-4, wd 1e-2 for actor and critic
 * @param temperature           entropy temperature α: initial value, target entropy scale, learning rate
 * @param policy                the Gaussian's log-std range
 * @param normalizeObservations SimBa's running-statistics observation normalisation (on)
 */
public record SacHyperParameters(Generic generic, Networks networks, Optimizers optimizers, Temperature temperature,
                                 Policy policy, boolean normalizeObservations) implements SimbaHyperParameters {

    /**
     * α starts at 0.01 and is learnt towards the target entropy {@code −targetEntropyScale·|A|} (scale 0.5) with Adam
     * at lr 1e-4 on log α (no weight decay: the spec gives none for the temperature).
     */
    public record Temperature(double initial, double targetEntropyScale, double lr) {
        public Temperature {
            check(initial > 0, "temperature.initial", initial, "> 0");
            check(Double.isFinite(targetEntropyScale), "temperature.targetEntropyScale", targetEntropyScale,
                    "finite");
            check(lr >= 0, "temperature.lr", lr, "≥ 0 (0: fixed temperature)");
        }
    }

    /**
     * log σ = min + ½(max − min)(tanh(x) + 1) squashes the actor's raw log-std x into [min, max]. The spec gives no
     * range; [−5, 2] is the common SAC choice (CleanRL, Spinning Up) and starts with σ ≈ 0.22 at x = 0.
     */
    public record Policy(double logStdMin, double logStdMax) {
        public Policy {
            check(logStdMin < logStdMax, "policy.logStdMin/Max", logStdMin + "/" + logStdMax, "min < max");
        }
    }

    public static SacHyperParameters defaults() {
        return new SacHyperParameters(Generic.defaults(), Networks.defaults(), Optimizers.defaults(),
                new Temperature(0.01, 0.5, 1e-4), new Policy(-5, 2), true);
    }

    /** The target entropy for {@code actionDim} actions: {@code −scale · |A|}. */
    public double targetEntropy(int actionDim) {
        return -temperature.targetEntropyScale() * actionDim;
    }

    public SacHyperParameters withGeneric(Generic g) {
        return new SacHyperParameters(g, networks, optimizers, temperature, policy, normalizeObservations);
    }

    public SacHyperParameters withNetworks(Networks n) {
        return new SacHyperParameters(generic, n, optimizers, temperature, policy, normalizeObservations);
    }

    public SacHyperParameters withOptimizers(Optimizers o) {
        return new SacHyperParameters(generic, networks, o, temperature, policy, normalizeObservations);
    }

    public SacHyperParameters withTemperature(Temperature t) {
        return new SacHyperParameters(generic, networks, optimizers, t, policy, normalizeObservations);
    }

    public SacHyperParameters withPolicy(Policy p) {
        return new SacHyperParameters(generic, networks, optimizers, temperature, p, normalizeObservations);
    }

    public SacHyperParameters withNormalizeObservations(boolean on) {
        return new SacHyperParameters(generic, networks, optimizers, temperature, policy, on);
    }

    public SacHyperParameters withWidthMultiplier(double m) {
        return withNetworks(networks.withWidthMultiplier(m));
    }

    public SacHyperParameters withBatchSize(int b) {
        return withGeneric(generic.withBatchSize(b));
    }

    public SacHyperParameters withUpdatesPerStep(int n) {
        return withGeneric(generic.withUpdatesPerStep(n));
    }
}
