package dev.topiary.env;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Cuts episodes after {@code maxEpisodeSteps} steps by setting {@code truncated}, as Gymnasium's {@code TimeLimit}:
 * the step that reaches the limit is truncated (and may also be terminated: both flags are reported as they are).
 */
public final class TimeLimit extends Wrapper {
    private static final String KIND = "TimeLimit";
    private final int maxEpisodeSteps;
    private long elapsed = -1;

    public TimeLimit(Env env, int maxEpisodeSteps) {
        super(env);
        if (maxEpisodeSteps < 1) {
            throw new IllegalArgumentException("TimeLimit: maxEpisodeSteps = " + maxEpisodeSteps + " must be ≥ 1");
        }
        this.maxEpisodeSteps = maxEpisodeSteps;
    }

    public int maxEpisodeSteps() {
        return maxEpisodeSteps;
    }

    /** Steps taken in the current episode (−1 before the first reset). */
    public long elapsedSteps() {
        return elapsed;
    }

    @Override
    public ResetResult reset(OptionalLong seed, Map<String, ?> options) {
        elapsed = 0;
        return env.reset(seed, options);
    }

    @Override
    public StepResult step(double[] action) {
        if (elapsed < 0) {
            throw new IllegalStateException("TimeLimit: call reset() before step()");
        }
        StepResult r = env.step(action);
        elapsed++;
        if (elapsed >= maxEpisodeSteps && !r.truncated()) {
            return new StepResult(r.observation(), r.reward(), r.terminated(), true, r.info());
        }
        return r;
    }

    @Override
    public Optional<EnvState> saveState() {
        return env.saveState().map(inner -> new EnvState(KIND, Map.of(),
                Map.of("elapsed", new long[]{elapsed}, "max", new long[]{maxEpisodeSteps}), inner));
    }

    @Override
    public void restoreState(EnvState state) {
        state.expect(KIND);
        if (state.integer("max")[0] != maxEpisodeSteps) {
            throw new IllegalArgumentException("TimeLimit: the saved state has a limit of " + state.integer("max")[0]
                    + " steps, this wrapper " + maxEpisodeSteps);
        }
        env.restoreState(state.inner());
        elapsed = state.integer("elapsed")[0];
    }
}
