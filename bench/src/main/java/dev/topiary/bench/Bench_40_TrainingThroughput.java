package dev.topiary.bench;

import dev.topiary.backend.Backend;
import dev.topiary.env.Box;
import dev.topiary.env.Env;
import dev.topiary.env.EnvRegistry;
import dev.topiary.env.StepResult;
import dev.topiary.env.mujoco.MujocoTasks;
import dev.topiary.rl.ActionCodec;
import dev.topiary.rl.mrq.MrqAgent;
import dev.topiary.rl.mrq.MrqWorkload;
import dev.topiary.sparse.RegimeConfig;
import dev.topiary.sparse.RegimePlan;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;

/**
 * Training throughput of a whole MR.Q agent (issue 7) at width ×0.25, ×1, ×4 and ×8, dense against MST, on the
 * backend {@code topiary bench --backend} names, on DeepMind Control humanoid-run's shapes (observation 67, action 21,
 * batch 256, MR.Q's defaults otherwise, the regimes scheduled for T = 500 000 calls, MR.Q's DMC budget). The agent
 * and its replay buffer (5 000 random transitions) are built by {@link MrqWorkload}, as {@code topiary profile}
 * builds them. Every invocation ends with {@code backend.sync()}, so a GPU's queued work is inside the time.
 *
 * <ul>
 *   <li>{@code valuePolicyUpdate}: the per-call part of a training call ({@link MrqAgent#valuePolicyStep()}): one
 *       value step and one policy step on an n-step batch and its LAP priorities, the encoder burst excluded. RigL's
 *       topology update of the critic falls on every 1 000th call, so it counts in at its real rate where a
 *       measurement runs past call 1 000 (small widths) and not at all where it does not (its cost is Bench_20's).
 *   <li>{@code encoderUpdate}: one encoder update ({@link MrqAgent#encoderStep()}); a training call makes 250 of
 *       them every 250 calls, so one per call on average. The encoder is dense under every regime here, so it is
 *       measured once per width, on the MST agent, and the same figure counts for dense and MST.
 *   <li>the whole training call, bursts amortised, is derived in the summary, not measured:
 *       {@code valuePolicyUpdate + encoderUpdate}, leaving out the target copy and reward-scale refresh every 250
 *       calls (a copy of the weights, under 1/250 of a call's work per call).
 *   <li>{@code envStep}: environment steps per second with the environment, as {@code topiary train} steps after the
 *       warm-up: act (exploring), {@code humanoid-run}'s step (Debian's humanoid model, action repeat 2), observe and
 *       {@link MrqAgent#train()}. One invocation is a whole round of 250 steps starting on a burst, so the score per
 *       step is exact with the burst amortised. It needs MuJoCo and is skipped with a note where it is missing.
 * </ul>
 *
 * <p>Regimes: {@code dense} (every module dense), {@code mst} (encoder dense, critic RigL at sparsity 0.6, actor
 * static at 0.6: density 0.4, MST's preset) and {@code mst-d0.1} (the same with critic and actor at density 0.1).
 * The GPU targets of issue 7 are judged at ×8: {@code valuePolicyUpdate} dense / mst ≥ 1.0 and dense / mst-d0.1 ≥ 2.
 *
 * <p>Napkin math: ×1 holds about 4 M trained weights (MR.Q's default networks), ×8 about 64 times as many in the
 * hidden layers (about 245 M, as many again in the targets, plus gradients and AdamW moments: 9.7 GB resident,
 * measured for dense); a trained network application costs about 6 · 256 · weights FLOPs, so ×8 costs about 64 × ×1.
 * On two CPU cores a ×1 call takes about 0.13 s and a ×8 value + policy update about 7 s (dense, measured);
 * {@link #runs} sizes the CPU preset to that.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class Bench_40_TrainingThroughput {
    static final int OBS = 67;
    static final int ACTIONS = 21;
    static final int BATCH = 256;
    static final long RUN_CALLS = 500_000;
    static final String TASK = "humanoid-run";
    /** Training calls per encoder burst (MR.Q's target update interval): one {@code envStep} invocation. */
    static final int ROUND = 250;

    /** The agent one regime plan names: {@code dense}, {@code mst} or {@code mst-d0.1}. */
    static RegimePlan plan(String regime) {
        return switch (regime) {
            case "dense" -> RegimePlan.dense();
            case "mst" -> RegimePlan.mst();
            case "mst-d0.1" -> new RegimePlan("mst-d0.1", RegimeConfig.dense(), RegimeConfig.rigl(0.9),
                    RegimeConfig.staticSparse(0.9));
            default -> throw new IllegalArgumentException("regime " + regime + ": use dense, mst or mst-d0.1");
        };
    }

    /** An agent on random data of humanoid-run's shapes. */
    abstract static class AgentState {
        Backend backend;
        MrqAgent agent;

        void open(String width, String regime) {
            backend = BenchBackend.open();
            agent = MrqWorkload.create(backend, Double.parseDouble(width), OBS,
                    new ActionCodec(Box.uniform(-1, 1, ACTIONS)), BATCH, plan(regime), RUN_CALLS);
            backend.sync();
        }

        @TearDown(Level.Trial)
        public void close() {
            if (agent != null) {
                agent.close();
            }
            backend.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Updates extends AgentState {
        @Param({"0.25", "1", "4", "8"})
        public String width;

        @Param({"dense", "mst", "mst-d0.1"})
        public String regime;

        @Setup(Level.Trial)
        public void setUp() {
            open(width, regime);
        }
    }

    /** The encoder is dense under every regime measured: one agent per width (MST's) stands for all. */
    @State(Scope.Benchmark)
    public static class Encoder extends AgentState {
        @Param({"0.25", "1", "4", "8"})
        public String width;

        @Setup(Level.Trial)
        public void setUp() {
            open(width, "mst");
        }
    }

    /** The agent acting in humanoid-run. */
    @State(Scope.Benchmark)
    public static class Task {
        @Param({"0.25", "1", "4", "8"})
        public String width;

        @Param({"dense", "mst"})
        public String regime;

        Backend backend;
        Env env;
        ActionCodec codec;
        MrqAgent agent;
        double[] obs;

        @Setup(Level.Trial)
        public void setUp() {
            backend = BenchBackend.open();
            env = EnvRegistry.make(TASK);
            codec = new ActionCodec(env.actionSpace());
            agent = MrqWorkload.create(backend, Double.parseDouble(width), env.observationSpace().flatSize(), codec,
                    BATCH, plan(regime), RUN_CALLS);
            obs = env.reset(1).observation();
            backend.sync();
        }

        @TearDown(Level.Trial)
        public void close() {
            if (agent != null) {
                agent.close();
            }
            if (env != null) {
                env.close();
            }
            backend.close();
        }
    }

    /** One value + policy update with its priorities (the encoder burst excluded). */
    @Benchmark
    public long valuePolicyUpdate(Updates s) {
        s.agent.valuePolicyStep();
        s.backend.sync();
        return s.agent.trainCalls();
    }

    /** One encoder update (a training call makes one on average: 250 every 250 calls). */
    @Benchmark
    public long encoderUpdate(Encoder s) {
        s.agent.encoderStep();
        s.backend.sync();
        return s.agent.trainCalls();
    }

    /** 250 environment steps with a training call each: one whole round of the encoder burst. */
    @Benchmark
    @OperationsPerInvocation(ROUND)
    public double envStep(Task t) {
        double reward = 0;
        for (int i = 0; i < ROUND; i++) {
            double[] action = t.agent.act(t.obs, true);
            StepResult r = t.env.step(t.codec.toEnv(action));
            t.agent.observe(t.obs, action, r.reward(), r.observation(), r.terminated(), r.truncated());
            t.obs = r.endsEpisode() ? t.env.reset().observation() : r.observation();
            t.agent.train();
            reward += r.reward();
        }
        t.backend.sync();
        return reward;
    }

    /** Why {@code envStep} cannot run here (MuJoCo or Debian's humanoid model missing), or null when it can. */
    static String envUnavailable() {
        try {
            MujocoTasks.debianHumanoid();
            return null;
        } catch (IllegalStateException | UnsatisfiedLinkError e) {
            return e.getMessage();
        }
    }

    /**
     * One JMH run of some of this class's methods: its mode and iterations ({@code tuning}, also in words) and the
     * values of its parameters ({@code params}: the preset's with {@code --param}'s overrides).
     */
    record Run(List<String> methods, String mode, String warmup, String measurement, Map<String, String[]> params,
               Tuning tuning) {
        /** The parameters in words, as the JSON records them: "width=0.25,1; regime=dense,mst". */
        String paramsText() {
            List<String> parts = new ArrayList<>();
            params.forEach((k, v) -> parts.add(k + "=" + String.join(",", v)));
            return String.join("; ", parts);
        }
    }

    /** Sets a run's mode and iterations on JMH's options. */
    interface Tuning {
        void apply(ChainedOptionsBuilder o);
    }

    private static final List<String> WIDTHS = List.of("0.25", "1", "4", "8");

    /**
     * Rounds of {@code envStep} before the measured ones: in a fresh JVM the first two rounds at ×0.25 ran at about
     * twice the steady time per step (73 against 40 ms: the JIT still compiling train()'s paths on two busy cores).
     */
    private static final int ENV_WARMUP_ROUNDS = 3;

    /**
     * The runs of {@code topiary bench} for the selected methods: one JMH run per group of methods and widths that
     * share settings. {@code overrides} ({@code --param}) replace the preset's values; an overridden width joins
     * the group its size falls in.
     *
     * <ul>
     *   <li>CPU ({@code --quick}, the default): the updates at ×0.25 and ×1 with 5 warm-up and 3 measured
     *       iterations of 2 s (the first invocations run the Vector API kernels before C2 has compiled them, up to
     *       seconds each; at ×0.25 the time settles in the fourth warm-up iteration), at ×4 and ×8 with 3 warm-up and
     *       3 measured iterations of 2 s (an iteration is at least one invocation, so where an update takes longer
     *       than 2 s that is 3 + 3 invocations); {@code envStep} at ×0.25 and ×1 only (a round of 250 training calls
     *       at ×4 would take minutes on two cores), dense and MST, 3 warm-up and 2 measured rounds. About 17 minutes
     *       on two quiet cores (at most 20), most of it envStep at ×1 (a round ≈ 250 × 0.13 s) and the updates at
     *       ×8 (≈ 7 s each, 20 s to build the agent).
     *   <li>CPU {@code --full}: 5 measured iterations instead of 3, {@code envStep} 3 measured rounds.
     *   <li>GPU ({@code --backend cuda}): every width for every method, 3 warm-up and 3 measured iterations of 1 s
     *       ({@code --full}: 5 and 5), {@code envStep} 3 warm-up and 2 measured rounds (where MuJoCo is installed).
     *   <li>emulated kernels: the updates at ×0.25, dense and MST, one invocation each (no {@code envStep}: a round
     *       of 250 calls is too slow there): it checks the code paths and measures nothing.
     * </ul>
     */
    static List<Run> runs(List<String> methods, String backend, boolean full, Map<String, String[]> overrides) {
        List<String> updates = methods.stream().filter(m -> !m.equals("envStep")).toList();
        boolean env = methods.contains("envStep");
        List<Run> runs = new ArrayList<>();
        if (backend.equals("emulated")) {
            if (!updates.isEmpty()) {
                runs.add(new Run(updates, "single shot", "none", "1 invocation",
                        params(List.of("0.25"), List.of("dense", "mst"), overrides, w -> true),
                        o -> o.mode(Mode.SingleShotTime).warmupIterations(0).measurementIterations(1)));
            }
            return runs;
        }
        boolean gpu = backend.equals("cuda");
        int mi = full ? 5 : 3;
        TimeValue time = TimeValue.seconds(gpu ? 1 : 2);
        List<String> regimes = List.of("dense", "mst", "mst-d0.1");
        if (!updates.isEmpty()) {
            List<DoublePredicate> groups = gpu ? List.of(w -> true) : List.of(w -> w <= 1, w -> w > 1);
            for (DoublePredicate group : groups) {
                int wi = gpu ? (full ? 5 : 3) : group.test(1) ? 5 : 3;
                Map<String, String[]> p = params(WIDTHS, regimes, overrides, group);
                if (p.get("width").length > 0) {
                    runs.add(new Run(updates, "average time per op", wi + " × " + time,
                            mi + " × " + time + " (each at least one invocation)", p,
                            o -> o.warmupIterations(wi).warmupTime(time).measurementIterations(mi)
                                    .measurementTime(time)));
                }
            }
        }
        if (env) {
            int rounds = full && !gpu ? 3 : 2;
            Map<String, String[]> p = params(gpu ? WIDTHS : List.of("0.25", "1"), List.of("dense", "mst"),
                    overrides, w -> true);
            if (p.get("width").length > 0) {
                runs.add(new Run(List.of("envStep"), "single shot per round of 250 steps, divided by 250",
                        ENV_WARMUP_ROUNDS + " rounds", rounds + " rounds", p,
                        o -> o.mode(Mode.SingleShotTime).warmupIterations(ENV_WARMUP_ROUNDS)
                                .measurementIterations(rounds)));
            }
        }
        return runs;
    }

    /** width (the preset's or the override's, those {@code group} holds) and regime, then the other overrides. */
    private static Map<String, String[]> params(List<String> widths, List<String> regimes,
                                                Map<String, String[]> overrides, DoublePredicate group) {
        Map<String, String[]> p = new LinkedHashMap<>();
        String[] w = overrides.getOrDefault("width", widths.toArray(String[]::new));
        p.put("width", Arrays.stream(w).filter(x -> group.test(Double.parseDouble(x))).toArray(String[]::new));
        p.put("regime", regimes.toArray(String[]::new));
        overrides.forEach((k, v) -> {
            if (!k.equals("width")) {
                p.put(k, v);
            }
        });
        return p;
    }
}
