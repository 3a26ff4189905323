package dev.topiary.env;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tasks by name, as Gymnasium's {@code gym.make}: {@code EnvRegistry.make("Pendulum-v1")} builds the task and wraps
 * it in its registered {@link TimeLimit}. The four classic-control tasks and the MuJoCo tasks of
 * {@link dev.topiary.env.mujoco.MujocoTasks} are registered from the start (a MuJoCo task needs the library only
 * when it is built); your own are added with {@link #register}.
 */
public final class EnvRegistry {
    private static final Map<String, EnvSpec> SPECS = new ConcurrentHashMap<>();

    static {
        register(new EnvSpec("CartPole-v1", CartPole::new, 500, 475.0));
        register(new EnvSpec("Pendulum-v1", Pendulum::new, 200, Double.NaN));
        register(new EnvSpec("MountainCarContinuous-v0", MountainCarContinuous::new, 999, 90.0));
        register(new EnvSpec("Acrobot-v1", Acrobot::new, 500, -100.0));
        dev.topiary.env.mujoco.MujocoTasks.register();
    }

    private EnvRegistry() {
    }

    /** Adds a task; an id can be registered once. */
    public static void register(EnvSpec spec) {
        if (SPECS.putIfAbsent(spec.id(), spec) != null) {
            throw new IllegalArgumentException("an environment called '" + spec.id() + "' is already registered");
        }
    }

    /** The spec called {@code id}, or an exception listing the registered ids. */
    public static EnvSpec spec(String id) {
        EnvSpec spec = SPECS.get(id);
        if (spec == null) {
            throw new IllegalArgumentException("no environment called '" + id + "'; registered: " + ids());
        }
        return spec;
    }

    /** The task with its registered time limit. */
    public static Env make(String id) {
        EnvSpec spec = spec(id);
        Env env = spec.factory().get();
        return spec.maxEpisodeSteps() > 0 ? new TimeLimit(env, spec.maxEpisodeSteps()) : env;
    }

    /** The task with a time limit of {@code maxEpisodeSteps} instead of the registered one (0 for none). */
    public static Env make(String id, int maxEpisodeSteps) {
        Env env = spec(id).factory().get();
        return maxEpisodeSteps > 0 ? new TimeLimit(env, maxEpisodeSteps) : env;
    }

    /** Registered ids, sorted. */
    public static List<String> ids() {
        List<String> ids = new ArrayList<>(SPECS.keySet());
        ids.sort(null);
        return ids;
    }
}
