package dev.topiary.env;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An environment that forwards to another one, as Gymnasium's {@code Wrapper}; subclasses override what they change.
 * A wrapper with state of its own overrides {@link #saveState()} and {@link #restoreState(EnvState)} and nests the
 * inner environment's state.
 */
public abstract class Wrapper implements Env {
    protected final Env env;

    protected Wrapper(Env env) {
        if (env == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " needs an environment to wrap");
        }
        this.env = env;
    }

    /** The environment directly inside this wrapper. */
    public Env inner() {
        return env;
    }

    @Override
    public Space observationSpace() {
        return env.observationSpace();
    }

    @Override
    public Space actionSpace() {
        return env.actionSpace();
    }

    @Override
    public ResetResult reset(OptionalLong seed, Map<String, ?> options) {
        return env.reset(seed, options);
    }

    @Override
    public StepResult step(double[] action) {
        return env.step(action);
    }

    @Override
    public Optional<EnvState> saveState() {
        return env.saveState();
    }

    @Override
    public void restoreState(EnvState state) {
        env.restoreState(state);
    }

    @Override
    public Env unwrapped() {
        return env.unwrapped();
    }

    @Override
    public void close() {
        env.close();
    }
}
