package dev.topiary.env.mujoco;

/**
 * DeepMind Control's reward shaping {@code tolerance(x, bounds, margin, sigmoid, value_at_margin)}: 1 inside
 * [lower, upper]; outside, a sigmoid of the distance to the nearest bound, scaled so that it equals
 * {@code valueAtMargin} at distance {@code margin}; with {@code margin = 0}, a hard indicator of the bounds.
 */
public final class Tolerance {
    /** The sigmoid shapes the tasks here use. */
    public enum Sigmoid { GAUSSIAN, LINEAR, QUADRATIC }

    private Tolerance() {
    }

    /** {@code tolerance} with the Gaussian sigmoid and value 0.1 at the margin (DeepMind Control's defaults). */
    public static double of(double x, double lower, double upper, double margin) {
        return of(x, lower, upper, margin, Sigmoid.GAUSSIAN, 0.1);
    }

    public static double of(double x, double lower, double upper, double margin, Sigmoid sigmoid,
                            double valueAtMargin) {
        if (lower > upper) {
            throw new IllegalArgumentException("tolerance: lower bound " + lower + " exceeds upper bound " + upper);
        }
        if (margin < 0) {
            throw new IllegalArgumentException("tolerance: margin " + margin + " must be ≥ 0");
        }
        boolean inBounds = lower <= x && x <= upper;
        if (inBounds) {
            return 1.0;
        }
        if (margin == 0) {
            return 0.0;
        }
        double d = (x < lower ? lower - x : x - upper) / margin;
        return switch (sigmoid) {
            case GAUSSIAN -> {
                double scale = Math.sqrt(-2 * Math.log(valueAtMargin));
                yield Math.exp(-0.5 * (d * scale) * (d * scale));
            }
            case LINEAR -> {
                double s = d * (1 - valueAtMargin);
                yield Math.abs(s) < 1 ? 1 - s : 0.0;
            }
            case QUADRATIC -> {
                double s = d * Math.sqrt(1 - valueAtMargin);
                yield Math.abs(s) < 1 ? 1 - s * s : 0.0;
            }
        };
    }
}
