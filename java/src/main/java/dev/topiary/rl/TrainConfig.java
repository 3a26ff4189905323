package dev.topiary.rl;

/**
 * The schedule of a training run, the same for every algorithm.
 *
 * @param totalSteps         environment steps of the run
 * @param warmupSteps        initial steps with uniformly random actions and no training (MR.Q: 10,000)
 * @param evalInterval       steps between evaluations (MR.Q: 5,000); 0 for none but the last
 * @param evalEpisodes       deterministic episodes per evaluation (MR.Q: 10)
 * @param logInterval        steps between rows of {@code metrics.csv}
 * @param checkpointInterval steps between checkpoints; 0 for none
 * @param keepCheckpoints    checkpoints kept on disk (the newest)
 * @param seed               the run's seed: environment {@code seed}, evaluation environment {@code seed + 100}
 */
public record TrainConfig(long totalSteps, long warmupSteps, long evalInterval, int evalEpisodes, long logInterval,
                          long checkpointInterval, int keepCheckpoints, long seed) {

    public TrainConfig {
        require(totalSteps > warmupSteps, "totalSteps = " + totalSteps + " must exceed warmupSteps = " + warmupSteps
                + " (no training would happen)");
        require(warmupSteps >= 0, "warmupSteps = " + warmupSteps + " must be ≥ 0");
        require(evalInterval >= 0, "evalInterval = " + evalInterval + " must be ≥ 0 (0: evaluate only at the end)");
        require(evalEpisodes >= 1, "evalEpisodes = " + evalEpisodes + " must be ≥ 1");
        require(logInterval >= 1, "logInterval = " + logInterval + " must be ≥ 1");
        require(checkpointInterval >= 0, "checkpointInterval = " + checkpointInterval + " must be ≥ 0 (0: none)");
        require(keepCheckpoints >= 1, "keepCheckpoints = " + keepCheckpoints + " must be ≥ 1");
    }

    /** MR.Q's schedule for a run of {@code totalSteps}: 10,000 warm-up steps, 10 episodes every 5,000 steps. */
    public static TrainConfig mrq(long totalSteps, long seed) {
        return new TrainConfig(totalSteps, 10_000, 5_000, 10, 1_000, 50_000, 2, seed);
    }

    /** Training calls of the run: one per step after the warm-up. */
    public long trainCalls() {
        return totalSteps - warmupSteps;
    }

    public TrainConfig withWarmup(long steps) {
        return new TrainConfig(totalSteps, steps, evalInterval, evalEpisodes, logInterval, checkpointInterval,
                keepCheckpoints, seed);
    }

    public TrainConfig withEval(long interval, int episodes) {
        return new TrainConfig(totalSteps, warmupSteps, interval, episodes, logInterval, checkpointInterval,
                keepCheckpoints, seed);
    }

    public TrainConfig withCheckpoints(long interval, int keep) {
        return new TrainConfig(totalSteps, warmupSteps, evalInterval, evalEpisodes, logInterval, interval, keep, seed);
    }

    public TrainConfig withLogInterval(long interval) {
        return new TrainConfig(totalSteps, warmupSteps, evalInterval, evalEpisodes, interval, checkpointInterval,
                keepCheckpoints, seed);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("train config: " + message);
        }
    }
}
