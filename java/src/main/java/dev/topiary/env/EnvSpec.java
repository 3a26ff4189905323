package dev.topiary.env;

import java.util.function.Supplier;

/**
 * A registered task, as Gymnasium's {@code EnvSpec}: its id, how to build the bare environment, the time limit
 * {@link EnvRegistry#make} wraps it in, and the return that counts as solving it.
 *
 * @param id              the name ("CartPole-v1")
 * @param factory         builds a new, unwrapped instance
 * @param maxEpisodeSteps the {@link TimeLimit}, or 0 for none
 * @param rewardThreshold the return that counts as solved, or NaN when the task defines none
 */
public record EnvSpec(String id, Supplier<? extends Env> factory, int maxEpisodeSteps, double rewardThreshold) {

    public EnvSpec {
        if (id == null || id.isBlank() || factory == null || maxEpisodeSteps < 0) {
            throw new IllegalArgumentException("an EnvSpec needs an id, a factory and maxEpisodeSteps ≥ 0");
        }
    }
}
