package dev.topiary.bench;

import dev.topiary.env.Env;
import dev.topiary.env.EnvRegistry;
import dev.topiary.env.Rng;
import dev.topiary.env.StepResult;
import dev.topiary.env.mujoco.MjSim;
import dev.topiary.env.mujoco.MujocoTasks;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * MuJoCo from Java on DeepMind Control's humanoid (Debian's model): {@code physics} is plain {@code mj_step} calls
 * through FFM, the figure to hold against MuJoCo's own {@code mujoco-testspeed} on the same model (which also steps
 * with zero control and the model's own time step); {@code agentStep} is one humanoid-run agent step as training sees
 * it (action repeat 2 × 5 physics steps, the observation and the reward).
 *
 * <p>Scores are µs per physics step and per agent step (1e6 / score = steps/s, the unit testspeed prints).
 *
 * <p>Napkin math: the humanoid (27 DoF, a few contacts) costs ~30 µs a physics step in C; an FFM downcall costs
 * ~10 ns, so {@code physics} should be within a few percent of testspeed, and an agent step ≈ 10 physics steps plus
 * ~2 µs of observation. The episode restarts every 1000 physics steps so the humanoid does not lie still on the floor,
 * where contacts differ from a falling or standing body.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class Bench_30_MujocoStep {
    static final int BURST = 1000;

    @State(Scope.Thread)
    public static class Physics {
        MjSim sim;

        @Setup(Level.Trial)
        public void open() {
            sim = new MjSim(MujocoTasks.debianHumanoid());
        }

        @Setup(Level.Invocation)
        public void restart() {
            sim.reset();
        }

        @TearDown(Level.Trial)
        public void close() {
            sim.close();
        }
    }

    @State(Scope.Thread)
    public static class Task {
        Env env;
        double[] action = new double[21];
        Rng rng = Rng.seeded(1);
        long steps;

        @Setup(Level.Trial)
        public void open() {
            env = EnvRegistry.make("humanoid-run");
            env.reset(1);
        }

        @TearDown(Level.Trial)
        public void close() {
            env.close();
        }
    }

    /** 1000 physics steps from the model's initial state, zero control. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public double physics(Physics p) {
        for (int i = 0; i < BURST; i++) {
            p.sim.step();
        }
        return p.sim.time();
    }

    /** One agent step of humanoid-run with a uniformly random action. */
    @Benchmark
    public double agentStep(Task t) {
        for (int i = 0; i < t.action.length; i++) {
            t.action[i] = t.rng.uniform(-1, 1);
        }
        StepResult r = t.env.step(t.action);
        if (r.endsEpisode()) {
            t.env.reset();
        }
        return r.reward();
    }
}
