package dev.topiary.env;

import java.util.HashMap;
import java.util.Map;

/** Puts a classic-control task into a chosen physical state through the public save/restore hooks. */
final class EnvTesting {
    private EnvTesting() {
    }

    /** {@code env} reset with seed 0, then moved to {@code physics} (and the given counters, when not null). */
    static <E extends Env> E at(E env, long[] counters, double... physics) {
        env.reset(0);
        EnvState saved = env.saveState().orElseThrow();
        Map<String, long[]> ints = new HashMap<>(saved.integers());
        if (counters != null) {
            ints.put("counters", counters);
        }
        env.restoreState(new EnvState(saved.kind(), Map.of("physics", physics), ints, null));
        return env;
    }

    static <E extends Env> E at(E env, double... physics) {
        return at(env, null, physics);
    }

    static double[] physics(Env env) {
        return env.saveState().orElseThrow().real("physics");
    }
}
