package dev.topiary.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * The report's budget table, one row per task × algorithm: what the runs were planned to do (environment steps,
 * warm-up, evaluation schedule, seeds; from config.json), how far they got, and what they spent (wall-clock and
 * estimated training FLOPs summed over runs, peak memory), so every figure is read against its budget.
 */
final class Budgets {
    private Budgets() {
    }

    static String markdown(List<RunRecord> runs) {
        Map<String, List<RunRecord>> byTask = new LinkedHashMap<>();
        for (RunRecord r : runs) {
            byTask.computeIfAbsent(r.task() + " | " + r.algorithm(), k -> new ArrayList<>()).add(r);
        }
        StringBuilder md = new StringBuilder("## Budgets\n\n");
        md.append("| task | algorithm | runs (partial) | seeds | planned steps | warm-up | evaluation | steps reached "
                + "| updates/step | wall-clock h, sum | training FLOPs actual, sum | dense-equivalent, sum "
                + "| peak RSS MB |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        int unrecorded = 0;
        for (Map.Entry<String, List<RunRecord>> e : byTask.entrySet()) {
            List<RunRecord> g = e.getValue();
            unrecorded += (int) g.stream().filter(r -> !Double.isFinite(r.compute().wallClockSeconds())).count();
            md.append(String.format(Locale.ROOT, "| %s | %d (%d) | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    e.getKey(), g.size(), g.stream().filter(r -> !r.finished()).count(),
                    g.stream().map(RunRecord::seed).distinct().count(),
                    distinct(g, r -> r.schedule().totalSteps()), distinct(g, r -> r.schedule().warmupSteps()),
                    evaluation(g), reached(g), distinct(g, r -> r.compute().updatesPerCall()),
                    Report.sci(sum(g, c -> c.wallClockSeconds()) / 3600), Report.sci(sum(g, c -> c.trainFlopsActual())),
                    Report.sci(sum(g, c -> c.trainFlopsDense())), Analysis.fmt(max(g) / (1 << 20))));
        }
        md.append("\nWall-clock and FLOPs are summed over the runs' compute.json (a partial run's up to its last "
                + "checkpoint)");
        md.append(unrecorded > 0 ? "; " + unrecorded + " run(s) had not written one yet and are not in the sums.\n\n"
                : ".\n\n");
        return md.toString();
    }

    private static String evaluation(List<RunRecord> g) {
        TreeSet<String> s = new TreeSet<>();
        for (RunRecord r : g) {
            s.add(String.format(Locale.ROOT, "%,d episodes every %,d steps", r.schedule().evalEpisodes(),
                    r.schedule().evalInterval()));
        }
        return String.join("; ", s);
    }

    private static String reached(List<RunRecord> g) {
        long lo = Long.MAX_VALUE;
        long hi = 0;
        for (RunRecord r : g) {
            long last = (long) r.steps()[r.steps().length - 1];
            lo = Math.min(lo, last);
            hi = Math.max(hi, last);
        }
        return lo == hi ? String.format(Locale.ROOT, "%,d", hi) : String.format(Locale.ROOT, "%,d–%,d", lo, hi);
    }

    /** The distinct values of a figure over the runs, joined; "–" where none recorded it. */
    private static String distinct(List<RunRecord> g, ToDoubleFunction<RunRecord> f) {
        TreeSet<Double> s = new TreeSet<>();
        g.forEach(r -> {
            double v = f.applyAsDouble(r);
            if (Double.isFinite(v)) {
                s.add(v);
            }
        });
        List<String> out = s.stream().map(v -> String.format(Locale.ROOT, "%,.0f", v)).toList();
        return out.isEmpty() ? "–" : String.join(" / ", out);
    }

    private static double sum(List<RunRecord> g, ToDoubleFunction<RunRecord.Compute> f) {
        double[] v = g.stream().mapToDouble(r -> f.applyAsDouble(r.compute())).filter(Double::isFinite).toArray();
        return v.length == 0 ? Double.NaN : java.util.Arrays.stream(v).sum();
    }

    private static double max(List<RunRecord> g) {
        return g.stream().mapToDouble(r -> r.compute().peakRssBytes()).filter(Double::isFinite).max()
                .orElse(Double.NaN);
    }
}
