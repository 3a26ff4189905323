package dev.topiary.rl.simba;

import dev.topiary.backend.Philox;
import dev.topiary.env.Env;
import dev.topiary.env.EnvRegistry;
import dev.topiary.env.StepResult;
import dev.topiary.nn.Module;
import dev.topiary.nn.Network;
import dev.topiary.nn.Parameter;
import dev.topiary.nn.WeightParameter;
import dev.topiary.rl.ActionCodec;
import dev.topiary.rl.Agent;

import java.util.ArrayList;
import java.util.List;

/**
 * Shared pieces of the SAC and DDPG agent tests: a fixed stream of Pendulum transitions under uniformly random
 * actions (independent of any agent, so two agents can be fed identically), a feed-and-train loop, and the masks of a
 * module in canonical form.
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
}
