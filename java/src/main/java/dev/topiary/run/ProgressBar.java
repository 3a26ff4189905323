package dev.topiary.run;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Training progress for a person: environment steps per second, gradient updates per second, ETA and a short
 * status (the last evaluation, the density). On a terminal one line redraws in place at most five times a second;
 * elsewhere (Slurm or Kubernetes logs, pipes) a plain line is printed every {@code plainInterval}.
 *
 * <p>Rates are smoothed with an exponential moving average over the redraw intervals, so a pause for evaluation
 * does not make the ETA jump for long.
 */
public final class ProgressBar {
    private static final long TTY_INTERVAL_NANOS = 200_000_000L;
    private static final int BAR_WIDTH = 24;
    private static final double SMOOTHING = 0.3;

    private final long total;
    private final PrintStream out;
    private final boolean tty;
    private final LongSupplier clock;
    private final long interval;
    private long lastNanos;
    private long lastSteps;
    private long lastUpdates;
    private double stepRate = Double.NaN;
    private double updateRate = Double.NaN;
    private boolean drawn;

    /**
     * @param totalSteps    steps of the whole run
     * @param out           where to draw
     * @param tty           redraw one line in place (a terminal) or print plain lines
     * @param clock         nanosecond clock ({@link System#nanoTime} outside tests)
     * @param plainInterval nanoseconds between plain lines
     */
    public ProgressBar(long totalSteps, PrintStream out, boolean tty, LongSupplier clock, long plainInterval) {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("a progress bar needs totalSteps ≥ 1, got " + totalSteps);
        }
        this.total = totalSteps;
        this.out = out;
        this.tty = tty;
        this.clock = clock;
        this.interval = tty ? TTY_INTERVAL_NANOS : plainInterval;
        this.lastNanos = clock.getAsLong();
    }

    /** A bar on standard error: in place on a terminal, a plain line every 30 s otherwise. */
    public static ProgressBar forConsole(long totalSteps) {
        Console c = System.console();
        return new ProgressBar(totalSteps, System.err, c != null && c.isTerminal(), System::nanoTime,
                30_000_000_000L);
    }

    /** Reports the counts so far; draws only when the interval has passed. {@code status} may be empty. */
    public void update(long steps, long updates, String status) {
        long now = clock.getAsLong();
        long dt = now - lastNanos;
        if (dt < interval && steps < total) {
            return;
        }
        if (dt > 0) {
            stepRate = smooth(stepRate, (steps - lastSteps) * 1e9 / dt);
            updateRate = smooth(updateRate, (updates - lastUpdates) * 1e9 / dt);
        }
        lastNanos = now;
        lastSteps = steps;
        lastUpdates = updates;
        draw(steps, status);
    }

    private static double smooth(double old, double sample) {
        return Double.isNaN(old) ? sample : old + SMOOTHING * (sample - old);
    }

    private void draw(long steps, String status) {
        double eta = stepRate > 0 ? (total - steps) / stepRate : Double.NaN;
        if (tty) {
            out.print("\r" + barLine(steps, total, stepRate, updateRate, eta, status) + "\u001b[K");
        } else {
            out.println(plainLine(steps, total, stepRate, updateRate, eta, status));
        }
        out.flush();
        drawn = true;
    }

    /** Ends the bar's line on a terminal, so later output starts on a fresh one. */
    public void finish() {
        if (tty && drawn) {
            out.println();
            out.flush();
        }
    }

    /** {@code [███▌    ]  42%  420k/1.00M · 1.23k steps/s · 1.23k upd/s · ETA 7m 52s · status} */
    static String barLine(long steps, long total, double stepRate, double updateRate, double etaSeconds,
                          String status) {
        double frac = Math.min(1, Math.max(0, (double) steps / total));
        int eighths = (int) Math.floor(frac * BAR_WIDTH * 8);
        StringBuilder bar = new StringBuilder("[");
        for (int i = 0; i < BAR_WIDTH; i++) {
            int fill = Math.min(8, Math.max(0, eighths - 8 * i));
            bar.append(fill == 0 ? ' ' : "▏▎▍▌▋▊▉█".charAt(fill - 1));
        }
        bar.append(']');
        return bar + String.format(Locale.ROOT, " %3d%%  %s/%s · %s steps/s · %s upd/s · ETA %s",
                (int) Math.floor(frac * 100), count(steps), count(total), rate(stepRate), rate(updateRate),
                duration(etaSeconds)) + (status == null || status.isEmpty() ? "" : " · " + status);
    }

    /** {@code step 420000/1000000 (42.0%) | 1234.5 steps/s | 1230.0 updates/s | ETA 7m 52s | status} */
    static String plainLine(long steps, long total, double stepRate, double updateRate, double etaSeconds,
                            String status) {
        return String.format(Locale.ROOT, "step %d/%d (%.1f%%) | %s steps/s | %s updates/s | ETA %s", steps, total,
                100.0 * steps / total, plain(stepRate), plain(updateRate), duration(etaSeconds))
                + (status == null || status.isEmpty() ? "" : " | " + status);
    }

    private static String plain(double rate) {
        return Double.isNaN(rate) ? "--" : String.format(Locale.ROOT, "%.1f", rate);
    }

    /** 999, 1.23k, 45.6k, 1.00M: three significant digits. */
    static String count(double n) {
        if (Math.abs(n) < 1000) {
            return String.valueOf((long) n);
        }
        String[] units = {"k", "M", "G", "T"};
        int u = -1;
        while (Math.abs(n) >= 999.5 && u < units.length - 1) {
            n /= 1000;
            u++;
        }
        String digits = Math.abs(n) >= 99.95 ? "%.0f" : Math.abs(n) >= 9.995 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, digits, n) + units[u];
    }

    private static String rate(double r) {
        if (Double.isNaN(r)) {
            return "--";
        }
        return r < 100 ? String.format(Locale.ROOT, "%.1f", r) : count(r);
    }

    /** 45s, 7m 52s, 2h 05m, 3d 04h; "--" when unknown. */
    static String duration(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds) || seconds < 0) {
            return "--";
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        }
        if (s < 86_400) {
            return String.format(Locale.ROOT, "%dh %02dm", s / 3600, s % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd %02dh", s / 86_400, s % 86_400 / 3600);
    }
}
