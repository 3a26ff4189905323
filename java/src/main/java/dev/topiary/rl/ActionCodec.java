package dev.topiary.rl;

import dev.topiary.env.Box;
import dev.topiary.env.Discrete;
import dev.topiary.env.Space;

/**
 * Between an agent's actions and an environment's: a bounded {@link Box} maps [−1, 1]^d affinely onto [low, high]
 * (MR.Q's "actions scaled to [−1, 1]"); a {@link Discrete} space of n actions takes a one-hot vector of length n,
 * decoded by argmax (ties to the lower index).
 */
public final class ActionCodec {
    private final Space space;
    private final int dim;

    public ActionCodec(Space space) {
        this.space = space;
        if (space instanceof Box box) {
            if (!box.isBounded()) {
                throw new IllegalArgumentException("the action space " + box + " is unbounded; agents act in [−1, 1]"
                        + " and need finite low and high bounds (wrap the environment to clip or rescale actions)");
            }
            this.dim = box.flatSize();
        } else {
            this.dim = ((Discrete) space).n();
        }
    }

    /** Whether actions are discrete (one-hot in the agent's space). */
    public boolean discrete() {
        return space instanceof Discrete;
    }

    /** Width of an action in the agent's space. */
    public int dim() {
        return dim;
    }

    /** The environment's action for an agent action. */
    public double[] toEnv(double[] agentAction) {
        if (agentAction.length != dim) {
            throw new IllegalArgumentException("agent action has " + agentAction.length + " entries, expected " + dim);
        }
        if (space instanceof Discrete d) {
            return new double[]{d.start() + argmax(agentAction)};
        }
        Box box = (Box) space;
        double[] out = new double[dim];
        for (int i = 0; i < dim; i++) {
            double a = Math.max(-1, Math.min(1, agentAction[i]));
            out[i] = box.low(i) + (a + 1) * 0.5 * (box.high(i) - box.low(i));
        }
        return out;
    }

    /** A uniformly random agent action (the warm-up's) from {@code u}, uniforms in [0, 1), one per entry. */
    public double[] random(double[] u) {
        double[] a = new double[dim];
        if (discrete()) {
            a[Math.min(dim - 1, (int) (u[0] * dim))] = 1;
        } else {
            for (int i = 0; i < dim; i++) {
                a[i] = 2 * u[i] - 1;
            }
        }
        return a;
    }

    /** Index of the largest entry, the lower index on ties. */
    public static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
