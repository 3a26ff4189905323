package dev.topiary.rl.replay;

import dev.topiary.backend.Backend;
import dev.topiary.backend.Parity;

import java.util.ArrayList;
import java.util.List;

/** Backends under test and episodes whose observations say where they come from: (episode, step). */
final class ReplayFixture {
    private ReplayFixture() {
    }

    /** The reference backend, then every candidate (CPU with all cores and with one thread, and more). */
    static List<Backend> backends() {
        List<Backend> all = new ArrayList<>();
        all.add(Parity.reference());
        all.addAll(Parity.candidates());
        return all;
    }

    /** A small config: obs (episode, step), one action column, uniform or LAP sampling. */
    static ReplayConfig small(int capacity, int horizon, int nStep, double discount, boolean lap, int batch) {
        return new ReplayConfig(capacity, 2, 1, batch, horizon, nStep, discount, lap, 0.4, 1.0, 12345L);
    }

    /**
     * Adds episode {@code e} with the given rewards; it ends terminated or truncated after its last transition.
     * Observation t is (e, t) and action t is (t / 10).
     */
    static void episode(ReplayBuffer buffer, int e, double[] rewards, boolean terminated) {
        for (int t = 0; t < rewards.length; t++) {
            boolean last = t == rewards.length - 1;
            buffer.add(new double[]{e, t}, new double[]{t / 10.0}, rewards[t], new double[]{e, t + 1},
                    last && terminated, last && !terminated);
        }
    }

    static double[] constant(int length, double value) {
        double[] r = new double[length];
        java.util.Arrays.fill(r, value);
        return r;
    }
}
