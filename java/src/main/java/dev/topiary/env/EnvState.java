package dev.topiary.env;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything needed to continue an environment bit for bit: its physical state, counters and random-stream state,
 * as named arrays of doubles and longs (plain data, so a checkpoint can store it as JSON). A wrapper's state holds
 * its own fields and the wrapped environment's state as {@code inner}.
 *
 * <p>A MuJoCo task stores {@code qpos}, {@code qvel}, {@code act} and {@code time} as reals and its {@link Rng}
 * words as integers; the classic tasks store their state vector the same way.
 *
 * @param kind     which environment or wrapper wrote it (checked on restore)
 * @param reals    named double arrays
 * @param integers named long arrays
 * @param inner    the wrapped environment's state, or null
 */
public record EnvState(String kind, Map<String, double[]> reals, Map<String, long[]> integers, EnvState inner) {

    public EnvState {
        if (kind == null || kind.isEmpty()) {
            throw new IllegalArgumentException("an EnvState needs a kind");
        }
        reals = Collections.unmodifiableMap(new LinkedHashMap<>(reals == null ? Map.of() : reals));
        integers = Collections.unmodifiableMap(new LinkedHashMap<>(integers == null ? Map.of() : integers));
    }

    /** The array called {@code name}, or an exception saying the state is not this environment's. */
    public double[] real(String name) {
        double[] v = reals.get(name);
        if (v == null) {
            throw new IllegalArgumentException("EnvState of " + kind + " has no real array '" + name + "'");
        }
        return v.clone();
    }

    /** The long array called {@code name}. */
    public long[] integer(String name) {
        long[] v = integers.get(name);
        if (v == null) {
            throw new IllegalArgumentException("EnvState of " + kind + " has no integer array '" + name + "'");
        }
        return v.clone();
    }

    /** Throws unless this state was written by {@code expected}. */
    public EnvState expect(String expected) {
        if (!kind.equals(expected)) {
            throw new IllegalArgumentException("cannot restore a state of " + kind + " into " + expected);
        }
        return this;
    }
}
