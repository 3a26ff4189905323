package dev.topiary.rl;

import dev.topiary.sparse.RegimePlan;
import dev.topiary.sparse.RegimeSpec;

import java.util.List;

/**
 * Everything that defines a training run, as {@code topiary train} resolves it and {@code config.json} records it:
 * a resumed or evaluated run is rebuilt from this alone.
 *
 * @param algorithm       "mrq", "sac" or "ddpg"
 * @param env             an environment id of {@link dev.topiary.env.EnvRegistry}
 * @param encoderRegime   regime spec of the encoder ({@link RegimeSpec}); ignored by agents without one
 * @param criticRegime    regime spec of the critic (MR.Q's value network)
 * @param actorRegime     regime spec of the actor (MR.Q's policy)
 * @param widthMultiplier scales every hidden width (1 = the algorithm's default networks)
 * @param batchSize       minibatch size of every update
 * @param replayCapacity  replay slots
 * @param schedule        steps, warm-up, evaluation, logging and checkpoint intervals, seed
 */
public record RunSpec(String algorithm, String env, String encoderRegime, String criticRegime, String actorRegime,
                      double widthMultiplier, int batchSize, int replayCapacity, TrainConfig schedule) {
    public static final List<String> ALGORITHMS = List.of("mrq", "sac", "ddpg");

    public RunSpec {
        if (!ALGORITHMS.contains(algorithm)) {
            throw new IllegalArgumentException("unknown algorithm '" + algorithm + "'; use one of " + ALGORITHMS);
        }
        if (!(widthMultiplier > 0) || widthMultiplier > 64) {
            throw new IllegalArgumentException("width multiplier " + widthMultiplier + " must lie in (0, 64]");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be ≥ 1");
        }
        if (replayCapacity < 16) {
            throw new IllegalArgumentException("replay capacity " + replayCapacity + " must be ≥ 16");
        }
        for (String r : new String[]{encoderRegime, criticRegime, actorRegime}) {
            RegimeSpec.parse(java.util.Objects.requireNonNull(r, "a module's regime is missing"));
        }
    }

    /** The regimes per module; a bad spec fails here, before any work. */
    public RegimePlan plan() {
        return new RegimePlan(encoderRegime + "/" + criticRegime + "/" + actorRegime, RegimeSpec.parse(encoderRegime),
                RegimeSpec.parse(criticRegime), RegimeSpec.parse(actorRegime));
    }

    /** Replay slots a run of {@code totalSteps} needs (every step, plus final observations), capped at {@code max}. */
    public static int replayFor(long totalSteps, int max) {
        return (int) Math.min(max, totalSteps + totalSteps / 2 + 1_000);
    }
}
