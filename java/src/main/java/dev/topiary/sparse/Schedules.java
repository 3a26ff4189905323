package dev.topiary.sparse;

/**
 * The sparsity schedules of the regimes, as pure functions of the module step t (mst-spec.md §3). Step counts are
 * the module's own optimizer steps; {@code T} is the module's total.
 */
public final class Schedules {
    private Schedules() {
    }

    /** {@code (1 + cos(π t / tEnd)) / 2}: 1 at t = 0, 0 at t ≥ tEnd. */
    public static double cosineFactor(long t, long tEnd) {
        if (t >= tEnd) {
            return 0;
        }
        return (1 + Math.cos(Math.PI * t / tEnd)) / 2;
    }

    /** RigL and SET drop fraction {@code f(t) = (α/2)(1 + cos(π t / T_end))}, 0 from T_end on. */
    public static double dropFraction(long t, double alpha, long tEnd) {
        return alpha * cosineFactor(t, tEnd);
    }

    /** How many of {@code active} connections to drop: {@code ⌊f(t) · |A|⌋}. */
    public static int dropCount(long t, double alpha, long tEnd, int active) {
        return (int) Math.floor(dropFraction(t, alpha, tEnd) * active);
    }

    /** GMP's {@code (1 − (t − t0)/(t1 − t0))³}, clamped: 1 before t0, 0 after t1. */
    public static double cubicRemaining(long t, long t0, long t1) {
        if (t <= t0) {
            return 1;
        }
        if (t >= t1) {
            return 0;
        }
        double left = 1 - (double) (t - t0) / (t1 - t0);
        return left * left * left;
    }

    /** Gradual magnitude pruning (Zhu and Gupta): {@code s(t) = s_f + (s_i − s_f)(1 − (t − t0)/(t1 − t0))³}. */
    public static double gmpSparsity(long t, double initial, double target, long t0, long t1) {
        return target + (initial - target) * cubicRemaining(t, t0, t1);
    }

    /** Sparse-to-dense: {@code s(t) = s0 (1 + cos(π t / T_end)) / 2} until T_end, 0 (dense) after. */
    public static double growthSparsity(long t, double initial, long tEnd) {
        return initial * cosineFactor(t, tEnd);
    }

    /** {@code round(fraction · T)}, at least 1: a schedule point such as T_end = 0.8 T. */
    public static long at(double fraction, long totalSteps) {
        return Math.max(1, Math.round(fraction * totalSteps));
    }
}
