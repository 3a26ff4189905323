package dev.topiary.rl.simba;

import dev.topiary.backend.Backend;
import dev.topiary.backend.Philox;
import dev.topiary.backend.cpu.CpuBackend;
import dev.topiary.env.Env;
import dev.topiary.env.EnvRegistry;
import dev.topiary.env.StepResult;
import dev.topiary.nn.Module;
import dev.topiary.nn.Network;
import dev.topiary.nn.Parameter;
import dev.topiary.nn.WeightParameter;
import dev.topiary.rl.ActionCodec;
import dev.topiary.rl.Agent;
import dev.topiary.rl.TrainConfig;
import dev.topiary.rl.TrainState;
import dev.topiary.rl.Trainer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shared pieces of the SAC and DDPG agent tests: a fixed stream of Pendulum transitions under uniformly random
 * actions (independent of any agent, so two agents can be fed identically), a feed-and-train loop, the masks of a
 * module in canonical form, and the learning check both learning tests run.
 */
public final class SimbaAgentFixture {
    private SimbaAgentFixture() {
    }

    /** One environment transition, the action in the agent's [−1, 1] space. */
    public record Transition(double[] obs, double[] action, double reward, double[] nextObs, boolean terminated,
                             boolean truncated) {
    }

    public static final String ENV = "Pendulum-v1";

    public static ActionCodec codec() {
        return new ActionCodec(EnvRegistry.make(ENV).actionSpace());
    }

    public static int obsDim() {
        return EnvRegistry.make(ENV).observationSpace().flatSize();
    }

    /** {@code n} transitions of Pendulum from {@code seed}, actions uniform on [−1, 1] from Philox. */
    public static List<Transition> pendulum(int n, long seed) {
        Env env = EnvRegistry.make(ENV);
        ActionCodec codec = new ActionCodec(env.actionSpace());
        double[] obs = env.reset(seed).observation();
        List<Transition> out = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            double[] u = new double[codec.dim()];
            for (int i = 0; i < u.length; i++) {
                u[i] = Philox.toUniform(Philox.word(seed, 0xF1L, (long) t * u.length + i));
            }
            double[] a = codec.random(u);
            StepResult r = env.step(codec.toEnv(a));
            out.add(new Transition(obs, a, r.reward(), r.observation(), r.terminated(), r.truncated()));
            obs = r.endsEpisode() ? env.reset().observation() : r.observation();
        }
        return out;
    }

    /**
     * Feeds transitions [{@code from}, {@code to}) to {@code agent}, training once after each from index
     * {@code warmup} on, and returns the exploratory then the deterministic action on each transition's observation
     * (so the act counters advance identically in every agent fed the same way).
     */
    public static List<double[]> feed(Agent agent, List<Transition> data, int from, int to, int warmup) {
        List<double[]> acts = new ArrayList<>();
        for (int t = from; t < to; t++) {
            Transition x = data.get(t);
            acts.add(agent.act(x.obs(), true));
            acts.add(agent.act(x.obs(), false));
            agent.observe(x.obs(), x.action(), x.reward(), x.nextObs(), x.terminated(), x.truncated());
            if (t >= warmup) {
                agent.train();
            }
        }
        return acts;
    }

    /** The 0/1 masks of every weight of {@code m}, in order (a dense weight gives all ones). */
    public static List<byte[]> masks(Module m) {
        List<byte[]> masks = new ArrayList<>();
        for (Network n : m.networks()) {
            for (Parameter p : n.parameters()) {
                if (p instanceof WeightParameter w) {
                    int k = w.rows() * w.cols();
                    byte[] mask = new byte[k];
                    w.exportCanonical(new float[k], mask, new float[k], new float[k]);
                    masks.add(mask);
                }
            }
        }
        return masks;
    }

    /** Builds the agent a learning test trains, for Pendulum's spaces and {@code trainCalls} training calls. */
    @FunctionalInterface
    public interface PendulumAgent {
        Agent make(Backend backend, int obsDim, ActionCodec codec, long trainCalls);
    }

    /**
     * Trains the agent {@code make} builds (MST: critic RigL 0.6, actor static 0.6) on Pendulum on the CPU backend
     * (2 threads) with CI-sized settings: 1,000 warm-up steps, a cap of 4,000 steps (3,000 training calls),
     * evaluations of 10 episodes every 1,000 steps, seed 1. Prints the evaluation history and time, and checks that
     * both modules trained sparse and the final mean evaluation return beats −250.
     */
    public static void assertLearnsPendulumWithin4000Steps(String algorithm, PendulumAgent make) {
        Env env = EnvRegistry.make(ENV);
        Env evalEnv = EnvRegistry.make(ENV);
        TrainConfig cfg = new TrainConfig(4_000, 1_000, 1_000, 10, 500, 0, 1, 1);
        try (CpuBackend backend = new CpuBackend(2);
             Agent agent = make.make(backend, env.observationSpace().flatSize(), new ActionCodec(env.actionSpace()),
                     cfg.trainCalls())) {
            long t0 = System.nanoTime();
            TrainState s = new Trainer(cfg, env, evalEnv, agent, null, null).train();
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(0.4, agent.metrics().get("density/critic"), 0.01, "the critic trained sparse");
            assertEquals(0.4, agent.metrics().get("density/actor"), 0.03, "the actor trained sparse");
            String history = Arrays.toString(s.evals.stream().mapToDouble(e -> Math.round(e[1] * 10) / 10.0)
                    .toArray());
            System.out.printf("%s with MST on Pendulum-v1: evaluations %s (every 1,000 steps), %.1f s%n",
                    algorithm, history, seconds);
            // A random policy scores about −1200; −250 is a swing-up held upright from most starts.
            assertTrue(s.lastEvalMean > -250, "final mean evaluation return " + s.lastEvalMean + ", history "
                    + history);
        }
    }
}
