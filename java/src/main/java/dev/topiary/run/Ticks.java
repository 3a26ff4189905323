package dev.topiary.run;

import java.util.Locale;

/** Round axis ticks (steps of 1, 2 or 5 times a power of ten) and their labels. */
public final class Ticks {
    private Ticks() {
    }

    /**
     * About {@code target} round values covering [lo, hi]: the spacing is span/(target − 1) rounded to the nearest of
     * 1, 2, 5 or 10 times a power of ten; the ticks run from a multiple of it ≤ lo to one ≥ hi.
     */
    public static double[] nice(double lo, double hi, int target) {
        double span = Math.max(hi - lo, 1e-12);
        double raw = span / Math.max(1, target - 1);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double norm = raw / mag;
        double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
        long first = (long) Math.floor(lo / step + 1e-9);
        long last = (long) Math.ceil(hi / step - 1e-9);
        double[] ticks = new double[(int) (last - first + 1)];
        for (int i = 0; i < ticks.length; i++) {
            ticks[i] = (first + i) * step;
        }
        return ticks;
    }

    /** 0, 50k, 1.5M: step counts with a unit. */
    public static String steps(double s) {
        if (Math.abs(s) < 1000) {
            return trim(s);
        }
        if (Math.abs(s) < 1_000_000) {
            return trim(s / 1000) + "k";
        }
        return trim(s / 1_000_000) + "M";
    }

    /** A tick value with as many decimals as the tick spacing needs. */
    public static String value(double v, double[] ticks) {
        double step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
        int decimals = (int) Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
        return String.format(Locale.ROOT, "%." + decimals + "f", v == 0 ? 0.0 : v);
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
