package dev.topiary.env;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A reinforcement-learning environment with Gymnasium 1.x semantics, for the built-in tasks and for your own.
 *
 * <ul>
 *   <li>{@link #reset(OptionalLong, Map)} starts an episode. A seed re-creates the environment's random stream;
 *       without one the stream continues. Seed once, right after construction, then never again.</li>
 *   <li>{@link #step(double[])} applies an action and returns a {@link StepResult} with {@code terminated} and
 *       {@code truncated} kept apart. Call {@code reset} after either is true.</li>
 *   <li>Observations and actions are flat {@code double[]} described by {@link #observationSpace()} and
 *       {@link #actionSpace()}; a {@link Discrete} action is a one-element array holding the integer.</li>
 *   <li>Time limits and action repeat are wrappers ({@link TimeLimit}, {@link ActionRepeat}), not part of the
 *       task.</li>
 *   <li>{@link #saveState()} and {@link #restoreState(EnvState)} let a run checkpoint the exact state, random stream
 *       included, for a bit-exact resume. An environment that cannot do this keeps the defaults; a resumed run then
 *       starts a fresh episode.</li>
 * </ul>
 *
 * Implementations need not be thread-safe.
 */
public interface Env extends AutoCloseable {

    Space observationSpace();

    Space actionSpace();

    /**
     * Starts an episode. {@code seed}, when present, re-creates the random stream; {@code options} are
     * task-specific (the classic tasks accept Gymnasium's {@code "low"}/{@code "high"} reset bounds).
     */
    ResetResult reset(OptionalLong seed, Map<String, ?> options);

    /** Starts an episode, continuing the random stream. */
    default ResetResult reset() {
        return reset(OptionalLong.empty(), Map.of());
    }

    /** Starts an episode from a fresh stream seeded with {@code seed}. */
    default ResetResult reset(long seed) {
        return reset(OptionalLong.of(seed), Map.of());
    }

    /** Applies {@code action} (a member of {@link #actionSpace()}) for one step. */
    StepResult step(double[] action);

    /** {@link #step(double[])} for a discrete action. */
    default StepResult step(int action) {
        return step(new double[]{action});
    }

    /** The exact state, or empty when this environment cannot be checkpointed. */
    default Optional<EnvState> saveState() {
        return Optional.empty();
    }

    /** Continues from a state {@link #saveState()} returned (on an environment built the same way). */
    default void restoreState(EnvState state) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " cannot restore a saved state; implement saveState and restoreState to make it resumable");
    }

    /** The innermost environment under any wrappers. */
    default Env unwrapped() {
        return this;
    }

    /** Releases native resources (a physics engine's model and data); the built-in tasks hold none. */
    @Override
    default void close() {
    }
}
