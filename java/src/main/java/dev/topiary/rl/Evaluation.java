package dev.topiary.rl;

import dev.topiary.env.Env;
import dev.topiary.env.StepResult;

/** Evaluation as MR.Q does it: whole episodes with the deterministic policy, returns undiscounted. */
public final class Evaluation {
    private Evaluation() {
    }

    /** The return of each of {@code episodes} episodes on {@code env}, which continues its own random stream. */
    public static double[] run(Agent agent, Env env, ActionCodec codec, int episodes) {
        double[] returns = new double[episodes];
        for (int e = 0; e < episodes; e++) {
            double[] obs = env.reset().observation();
            double total = 0;
            while (true) {
                StepResult r = env.step(codec.toEnv(agent.act(obs, false)));
                total += r.reward();
                obs = r.observation();
                if (r.endsEpisode()) {
                    break;
                }
            }
            returns[e] = total;
        }
        return returns;
    }

    public static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}
