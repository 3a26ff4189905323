package dev.topiary.rl.mrq;

import dev.topiary.backend.Backend;
import dev.topiary.rl.ActionCodec;
import dev.topiary.rl.Agent;
import dev.topiary.sparse.RegimePlan;

import java.util.SplittableRandom;

/**
 * An MR.Q agent with MR.Q's defaults at some width and batch size, its replay buffer filled with random transitions
 * of a task's shape: the workload {@code topiary profile} and the training-throughput benchmark time, built in one
 * place so both time the same thing.
 *
 * <p>The transitions are uniform in [−1, 1] (observations and actions), rewards uniform in [0, 1), no termination,
 * and an episode boundary (truncation) every 500 steps, drawn from one seeded stream, so every build fills the same
 * buffer.
 */
public final class MrqWorkload {
    /** Random transitions put in the buffer: enough for every n-step batch and sub-trajectory a batch of 256 needs. */
    public static final int FILL = 5_000;

    private MrqWorkload() {
    }

    /**
     * A fresh agent (seed 1) whose buffer holds {@link #FILL} random transitions.
     *
     * @param width    width multiplier of every network
     * @param obsDim   observation size
     * @param codec    the action space
     * @param batch    batch size of every update
     * @param plan     the regime of each module
     * @param runCalls T, the training calls the regimes are scheduled for
     */
    public static MrqAgent create(Backend backend, double width, int obsDim, ActionCodec codec, int batch,
                                  RegimePlan plan, long runCalls) {
        MrqHyperParameters d = MrqHyperParameters.defaults();
        MrqHyperParameters hp = d.withWidthMultiplier(width).withGeneric(new MrqHyperParameters.Generic(batch,
                d.generic().bufferSize(), d.generic().discount(), d.generic().targetUpdateInterval()));
        MrqAgent agent = new MrqAgent(backend, obsDim, codec, hp, plan, runCalls, FILL + 16, 1);
        try {
            fillReplay(agent, obsDim, codec.dim(), FILL);
        } catch (RuntimeException e) {
            agent.close();
            throw e;
        }
        return agent;
    }

    /** Hands {@code agent} {@code transitions} random transitions (see the class comment). */
    public static void fillReplay(Agent agent, int obsDim, int actionDim, int transitions) {
        SplittableRandom rng = new SplittableRandom(1);
        double[] obs = rng.doubles(obsDim, -1, 1).toArray();
        for (int t = 0; t < transitions; t++) {
            double[] a = rng.doubles(actionDim, -1, 1).toArray();
            double[] next = rng.doubles(obsDim, -1, 1).toArray();
            boolean truncated = t % 500 == 499;
            agent.observe(obs, a, rng.nextDouble(0, 1), next, false, truncated);
            obs = truncated ? rng.doubles(obsDim, -1, 1).toArray() : next;
        }
    }
}
