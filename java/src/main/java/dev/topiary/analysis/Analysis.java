package dev.topiary.analysis;

import dev.topiary.run.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * {@code topiary analyze}: from a set of runs, the summaries ({@link GroupSummary}), the figures (scaling curves
 * against total and active parameters, learning curves, diagnostics curves, return against training FLOPs and
 * against wall-clock) and {@code report.md} with {@code summary.csv}, all in one output folder.
 */
public final class Analysis {
    /** Learning-curve bands use at most this many bootstrap replicates: one interval per evaluation step. */
    static final int CURVE_REPLICATES = 2_000;
    static final List<String> DIAGNOSTICS = List.of("dormant_0.1/encoder", "dormant_0.1/critic",
            "dormant_0.1/actor", "srank/encoder", "srank/critic", "srank/actor");

    private final List<RunRecord> runs;
    private final GroupSummary.Options options;
    private final List<GroupSummary> summaries;
    private final boolean manyAlgorithms;
    private final List<String> figures = new ArrayList<>();

    public Analysis(List<RunRecord> runs, GroupSummary.Options options) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs to analyse");
        }
        this.runs = List.copyOf(runs);
        this.options = options;
        this.summaries = GroupSummary.of(runs, options);
        this.manyAlgorithms = runs.stream().map(RunRecord::algorithm).distinct().count() > 1;
    }

    public List<GroupSummary> summaries() {
        return summaries;
    }

    /** Writes the figures, summary.csv, summary.json and report.md (quoting {@code sweeps}) into {@code out}. */
    public void write(Path out, String title, List<SweepInfo> sweeps) {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out + ": " + e.getMessage(), e);
        }
        for (String task : tasks()) {
            scaling(out, task);
            learningCurves(out, task);
            diagnostics(out, task);
        }
        AtomicFiles.writeString(out.resolve("summary.csv"), Report.csv(summaries));
        AtomicFiles.writeString(out.resolve("summary.json"), SummaryJson.of(summaries, options));
        AtomicFiles.writeString(out.resolve("report.md"), Report.markdown(title, sweeps, runs, summaries, options,
                figures));
    }

    private List<String> tasks() {
        return runs.stream().map(RunRecord::task).distinct().sorted().toList();
    }

    private String file(String kind, String task, String extra) {
        return kind + "-" + task.replaceAll("[^A-Za-z0-9._-]", "_") + extra + ".png";
    }

    private void figure(Path out, String name, String title, String x, String y, boolean logX,
                        List<LineChart.Series> series) {
        LineChart.write(out.resolve(name), title, x, y, logX, series);
        figures.add(name);
    }

    /** Final-return IQM across widths, one line per regime, against four measures of size and cost. */
    private void scaling(Path out, String task) {
        String k = options.lastK() == 1 ? "final return" : "return (mean of the last " + options.lastK() + " evals)";
        scalingAgainst(out, task, "scaling-total", "total parameters", k, GroupSummary::paramsTotal);
        scalingAgainst(out, task, "scaling-active", "active (non-zero) parameters", k, GroupSummary::paramsActive);
        scalingAgainst(out, task, "return-vs-flops", "training FLOPs per run (actual, estimated)", k,
                GroupSummary::trainFlopsActual);
        scalingAgainst(out, task, "return-vs-wallclock", "wall-clock seconds per run (mean)", k,
                GroupSummary::wallClockSeconds);
    }

    private void scalingAgainst(Path out, String task, String kind, String xLabel, String yLabel,
                                ToDoubleFunction<GroupSummary> x) {
        List<LineChart.Series> series = new ArrayList<>();
        for (Map.Entry<String, List<GroupSummary>> e : byRegime(task).entrySet()) {
            List<GroupSummary> g = e.getValue();
            series.add(new LineChart.Series(e.getKey(), g.stream().mapToDouble(x).toArray(),
                    g.stream().mapToDouble(s -> s.finalReturn().value()).toArray(),
                    g.stream().mapToDouble(s -> s.finalReturn().lo()).toArray(),
                    g.stream().mapToDouble(s -> s.finalReturn().hi()).toArray(), LineChart.Interval.BARS));
        }
        figure(out, file(kind, task, ""), task + ": IQM " + yLabel + " (95% CI) vs " + xLabel, xLabel,
                "IQM " + yLabel, true, series);
    }

    /** The groups of one task keyed by regime (series name), each ordered by width. */
    private Map<String, List<GroupSummary>> byRegime(String task) {
        Map<String, List<GroupSummary>> m = new LinkedHashMap<>();
        for (GroupSummary s : summaries) {
            if (s.task().equals(task)) {
                m.computeIfAbsent(s.series(manyAlgorithms), k -> new ArrayList<>()).add(s);
            }
        }
        m.values().forEach(l -> l.sort((a, b) -> Double.compare(a.width(), b.width())));
        return m;
    }

    /** Per width: IQM evaluation return across seeds at each evaluation step, one line per regime. */
    private void learningCurves(Path out, String task) {
        for (double width : widths(task)) {
            List<LineChart.Series> series = new ArrayList<>();
            for (Map.Entry<String, List<GroupSummary>> e : byRegime(task).entrySet()) {
                for (GroupSummary g : e.getValue()) {
                    if (g.width() == width) {
                        series.add(curve(e.getKey(), g.runs(), Math.min(options.replicates(), CURVE_REPLICATES),
                                options.seed()));
                    }
                }
            }
            String w = Report.number(width);
            figure(out, file("learning", task, "-w" + w), task + ", width x" + w
                    + ": IQM evaluation return across seeds (95% CI)", "environment steps", "evaluation return",
                    false, series);
        }
    }

    private List<Double> widths(String task) {
        return new ArrayList<>(new TreeSet<>(runs.stream().filter(r -> r.task().equals(task))
                .map(RunRecord::width).toList()));
    }

    /**
     * One learning curve: at each step any run evaluated at, the IQM of the runs that reached it, with a bootstrap
     * interval of {@code replicates} seeded {@code seed}. Where partial runs have stopped, the tail rests on fewer
     * seeds; the report says how many runs are partial.
     */
    static LineChart.Series curve(String name, List<RunRecord> group, int replicates, long seed) {
        TreeSet<Double> steps = new TreeSet<>();
        group.forEach(r -> {
            for (double s : r.steps()) {
                steps.add(s);
            }
        });
        double[] x = new double[steps.size()];
        double[] y = new double[x.length];
        double[] lo = new double[x.length];
        double[] hi = new double[x.length];
        int i = 0;
        for (double s : steps) {
            List<Double> vals = new ArrayList<>();
            for (RunRecord r : group) {
                int j = java.util.Arrays.binarySearch(r.steps(), s);
                if (j >= 0) {
                    vals.add(r.returns()[j]);
                }
            }
            Stats.Estimate e = Stats.iqmWithCi(vals.stream().mapToDouble(Double::doubleValue).toArray(),
                    replicates, seed);
            x[i] = s;
            y[i] = e.value();
            lo[i] = e.lo();
            hi[i] = e.hi();
            i++;
        }
        return new LineChart.Series(name, x, y, lo, hi);
    }

    /** At the largest width: each recorded diagnostic against steps, mean over seeds, one line per regime. */
    private void diagnostics(Path out, String task) {
        List<Double> ws = widths(task);
        double width = ws.getLast();
        for (String metric : DIAGNOSTICS) {
            List<LineChart.Series> series = new ArrayList<>();
            for (Map.Entry<String, List<GroupSummary>> e : byRegime(task).entrySet()) {
                for (GroupSummary g : e.getValue()) {
                    if (g.width() == width) {
                        LineChart.Series s = diagnosticCurve(e.getKey(), g.runs(), metric);
                        if (s.x().length > 0) {
                            series.add(s);
                        }
                    }
                }
            }
            if (!series.isEmpty()) {
                String w = Report.number(width);
                figure(out, file("diagnostics", task, "-w" + w + "-" + metric.replace('/', '-')), task + ", width x"
                        + w + ": " + metric + " (mean over seeds)", "environment steps", metric, false, series);
            }
        }
    }

    static LineChart.Series diagnosticCurve(String name, List<RunRecord> group, String metric) {
        Map<Double, double[]> sums = new java.util.TreeMap<>();
        for (RunRecord r : group) {
            double[] v = r.diagnostics().get(metric);
            if (v == null) {
                continue;
            }
            for (int i = 0; i < v.length; i++) {
                if (Double.isFinite(v[i])) {
                    double[] acc = sums.computeIfAbsent(r.diagSteps()[i], k -> new double[2]);
                    acc[0] += v[i];
                    acc[1]++;
                }
            }
        }
        double[] x = new double[sums.size()];
        double[] y = new double[x.length];
        int i = 0;
        for (Map.Entry<Double, double[]> e : sums.entrySet()) {
            x[i] = e.getKey();
            y[i++] = e.getValue()[0] / e.getValue()[1];
        }
        return new LineChart.Series(name, x, y);
    }

    static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f", v) : "–";
    }
}
