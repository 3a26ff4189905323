package dev.topiary.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The statistics every figure and table of {@code topiary analyze} uses (STYLE.md item 13): the interquartile mean
 * and its 95% stratified-bootstrap confidence interval, and the area under a learning curve.
 *
 * <p><b>IQM, fractional definition.</b> Sort the n scores; score i (0-based) covers the interval [i, i+1) of [0, n).
 * The IQM is the mean of the scores weighted by how much of their interval lies in the middle half [n/4, 3n/4], so
 * it is defined for every n ≥ 1. When n is divisible by 4 this is the plain mean of the middle n/2 scores, as
 * rliable's {@code scipy.stats.trim_mean(x, 0.25)}; otherwise trim_mean drops ⌊n/4⌋ whole scores from each end and
 * the two differ (for n = 10 this keeps the 3rd and 8th smallest scores at weight 1/2, where trim_mean keeps them at
 * weight 1).
 *
 * <p><b>Stratified bootstrap.</b> A stratum is a task. Each replicate resamples, with replacement, as many runs as
 * the stratum has from within that stratum, then takes the IQM of all resampled scores pooled; the 95% interval is
 * the 2.5th and 97.5th percentiles of the replicates (linear interpolation between order statistics, NumPy's
 * default). The generator is {@link SplittableRandom} from the given seed, so an interval is the same on every run
 * and machine.
 */
public final class Stats {
    /** STYLE.md item 13: 50k replicates. */
    public static final int DEFAULT_REPLICATES = 50_000;
    public static final long DEFAULT_SEED = 0;

    /** A point estimate with its 95% interval; {@code n} scores went into it. */
    public record Estimate(double value, double lo, double hi, int n) {
        public static final Estimate NONE = new Estimate(Double.NaN, Double.NaN, Double.NaN, 0);
    }

    private Stats() {
    }

    /** The interquartile mean of {@code scores} (fractional weights; see the class comment). */
    public static double iqm(double[] scores) {
        if (scores.length == 0) {
            throw new IllegalArgumentException("the IQM of no scores is undefined");
        }
        double[] x = scores.clone();
        Arrays.sort(x);
        int n = x.length;
        double lo = n / 4.0;
        double hi = 3 * n / 4.0;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double w = Math.max(0, Math.min(i + 1, hi) - Math.max(i, lo));
            sum += w * x[i];
        }
        return sum / (hi - lo);
    }

    /** The arithmetic mean. */
    public static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    /**
     * The {@code q}-quantile (0 ≤ q ≤ 1) of {@code sorted} by linear interpolation between order statistics: position
     * q·(n − 1).
     */
    public static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("the quantile of no values is undefined");
        }
        double pos = q * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        if (i >= sorted.length - 1) {
            return sorted[sorted.length - 1];
        }
        return sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]);
    }

    /**
     * IQM of all scores pooled, with a 95% stratified-bootstrap interval; {@code strata} holds each task's scores
     * (one per run). Empty strata are skipped; with no scores at all the result is {@link Estimate#NONE}.
     */
    public static Estimate iqmWithCi(List<double[]> strata, int replicates, long seed) {
        List<double[]> groups = new ArrayList<>();
        int n = 0;
        for (double[] s : strata) {
            if (s.length > 0) {
                groups.add(s);
                n += s.length;
            }
        }
        if (n == 0) {
            return Estimate.NONE;
        }
        double[] pooled = new double[n];
        int k = 0;
        for (double[] s : groups) {
            System.arraycopy(s, 0, pooled, k, s.length);
            k += s.length;
        }
        double point = iqm(pooled);
        double[] reps = new double[replicates];
        SplittableRandom rng = new SplittableRandom(seed);
        double[] sample = new double[n];
        for (int r = 0; r < replicates; r++) {
            int j = 0;
            for (double[] s : groups) {
                for (int i = 0; i < s.length; i++) {
                    sample[j++] = s[rng.nextInt(s.length)];
                }
            }
            reps[r] = iqm(sample);
        }
        Arrays.sort(reps);
        return new Estimate(point, quantile(reps, 0.025), quantile(reps, 0.975), n);
    }

    /** {@link #iqmWithCi} for one stratum. */
    public static Estimate iqmWithCi(double[] scores, int replicates, long seed) {
        return iqmWithCi(List.of(scores), replicates, seed);
    }

    /**
     * The area under a learning curve divided by its span: the trapezoidal integral of {@code values} over
     * {@code steps} (increasing) over {@code steps[last] − steps[0]}, so it reads as the curve's average return
     * and runs of different lengths compare. A single point is its own value.
     */
    public static double normalizedAuc(double[] steps, double[] values) {
        if (steps.length != values.length || steps.length == 0) {
            throw new IllegalArgumentException("a curve needs as many values as steps, and at least one: "
                    + steps.length + " steps, " + values.length + " values");
        }
        if (steps.length == 1) {
            return values[0];
        }
        double area = 0;
        for (int i = 1; i < steps.length; i++) {
            double dx = steps[i] - steps[i - 1];
            if (!(dx > 0)) {
                throw new IllegalArgumentException("curve steps must increase: " + steps[i - 1] + " then "
                        + steps[i]);
            }
            area += dx * (values[i] + values[i - 1]) / 2;
        }
        return area / (steps[steps.length - 1] - steps[0]);
    }
}
