package dev.topiary.env;

import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Shared machinery of the pure-Java classic-control tasks: the seeded {@link Rng}, Gymnasium's reset-bound options,
 * the rule that {@code reset} comes before {@code step}, the float32 rounding of observations (Gymnasium's
 * observation spaces are float32) and state save/restore. Subclasses hold the physics.
 *
 * <p>The tasks reproduce Gymnasium's dynamics, constants, reset distributions, rewards and termination; the random
 * draws themselves come from this project's generator, not NumPy's, so a seed gives different (equally distributed)
 * initial states than in Python.
 */
abstract class ClassicControl implements Env {
    private final String kind;
    private Rng rng;
    private boolean started;

    ClassicControl(String kind) {
        this.kind = kind;
    }

    @Override
    public final ResetResult reset(OptionalLong seed, Map<String, ?> options) {
        if (seed != null && seed.isPresent()) {
            rng = Rng.seeded(seed.getAsLong());
        } else if (rng == null) {
            // Gymnasium seeds an unseeded environment from OS entropy; a reproducible run always passes a seed.
            rng = Rng.seeded(new SecureRandom().nextLong());
        }
        started = true;
        resetPhysics(rng, options == null ? Map.of() : options);
        return new ResetResult(observation(), Map.of());
    }

    @Override
    public final StepResult step(double[] action) {
        if (!started) {
            throw new IllegalStateException(kind + ": call reset() before step()");
        }
        if (action == null || action.length != actionSpace().flatSize()) {
            throw new IllegalArgumentException(kind + ": an action is " + actionSpace().flatSize()
                    + " number(s) in " + actionSpace() + ", got " + (action == null ? "null"
                    : java.util.Arrays.toString(action)));
        }
        return stepPhysics(action);
    }

    /** Draws the initial state (Gymnasium's distribution and reset options). */
    abstract void resetPhysics(Rng rng, Map<String, ?> options);

    /** One transition from the current state. */
    abstract StepResult stepPhysics(double[] action);

    /** The observation of the current state, rounded to float32 as Gymnasium returns it. */
    abstract double[] observation();

    /** The physical state, for a checkpoint. */
    abstract double[] physics();

    /** Sets the physical state (as {@link #physics()} returned it). */
    abstract void setPhysics(double[] state);

    /** Task-specific counters and flags, for a checkpoint. */
    long[] counters() {
        return new long[0];
    }

    void setCounters(long[] counters) {
    }

    @Override
    public final Optional<EnvState> saveState() {
        long[] rngState = rng == null ? new long[0] : rng.state();
        return Optional.of(new EnvState(kind, Map.of("physics", physics()), Map.of("rng", rngState,
                "started", new long[]{started ? 1 : 0}, "counters", counters()), null));
    }

    @Override
    public final void restoreState(EnvState state) {
        state.expect(kind);
        long[] rngState = state.integer("rng");
        double[] phys = state.real("physics");
        if (phys.length != physics().length) {
            throw new IllegalArgumentException(kind + ": a saved state has " + phys.length + " numbers, expected "
                    + physics().length);
        }
        long[] counters = state.integer("counters");
        if (counters.length != counters().length) {
            throw new IllegalArgumentException(kind + ": a saved state has " + counters.length + " counters, expected "
                    + counters().length);
        }
        rng = rngState.length == 0 ? null : Rng.fromState(rngState);
        started = state.integer("started")[0] != 0;
        setPhysics(phys);
        setCounters(counters);
    }

    /** Gymnasium's {@code maybe_parse_reset_bounds}: options "low" and "high" override the defaults. */
    static double[] resetBounds(String kind, Map<String, ?> options, double low, double high) {
        double lo = number(kind, options, "low", low);
        double hi = number(kind, options, "high", high);
        if (lo > hi) {
            throw new IllegalArgumentException(kind + ": reset option low = " + lo + " exceeds high = " + hi);
        }
        return new double[]{lo, hi};
    }

    static double number(String kind, Map<String, ?> options, String key, double fallback) {
        Object v = options.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw new IllegalArgumentException(kind + ": reset option '" + key + "' must be a finite number, got " + v);
        }
        return n.doubleValue();
    }

    /** Rounds to float32 and back, as {@code np.array(..., dtype=np.float32)} does. */
    static double f32(double x) {
        return (float) x;
    }
}
