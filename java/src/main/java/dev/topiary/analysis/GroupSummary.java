package dev.topiary.analysis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The runs of one task × algorithm × regime label × width (their seeds), summarised: IQM and 95% stratified-bootstrap
 * interval of the final return and of the normalised area under the curve, and the compute each run recorded.
 * {@code task} is {@link #ALL_TASKS} for the pooled estimate over tasks, where each task is a stratum.
 *
 * <p>The compute figures are means over the finished runs that recorded them: parameters and FLOPs per call depend
 * on the configuration, not the seed, and a partial run's totals (training FLOPs, wall-clock) stop at its last
 * checkpoint, so mixing them in would bias the means low. Only a group with no finished run falls back to its
 * partial runs, and says so ({@code computeFromPartial}). Peak memory is the maximum over every run.
 */
public record GroupSummary(String task, String algorithm, String label, double width, List<RunRecord> runs,
                           Stats.Estimate finalReturn, Stats.Estimate auc, double paramsTotal, double paramsActive,
                           double flopsPerCallDense, double flopsPerCallActual, double trainFlopsDense,
                           double trainFlopsActual, double peakRssMb, double wallClockSeconds, int partial,
                           boolean computeFromPartial) {
    public static final String ALL_TASKS = "all tasks";

    /** How the summaries are computed. */
    public record Options(int lastK, int replicates, long seed) {
        public Options {
            if (lastK < 1 || replicates < 1) {
                throw new IllegalArgumentException("--last-k " + lastK + " and --replicates " + replicates
                        + " must be at least 1");
            }
        }
    }

    /** One summary per group, sorted by task, algorithm, label and width; pooled ones follow when tasks differ. */
    public static List<GroupSummary> of(List<RunRecord> runs, Options o) {
        Map<String, List<RunRecord>> groups = new LinkedHashMap<>();
        for (RunRecord r : sorted(runs)) {
            groups.computeIfAbsent(r.task() + "\u0000" + key(r), k -> new ArrayList<>()).add(r);
        }
        List<GroupSummary> out = new ArrayList<>();
        for (List<RunRecord> g : groups.values()) {
            out.add(summarise(g.getFirst().task(), List.of(g), o));
        }
        if (runs.stream().map(RunRecord::task).distinct().count() > 1) {
            Map<String, Map<String, List<RunRecord>>> pooled = new LinkedHashMap<>();
            for (RunRecord r : sorted(runs)) {
                pooled.computeIfAbsent(key(r), k -> new LinkedHashMap<>())
                        .computeIfAbsent(r.task(), k -> new ArrayList<>()).add(r);
            }
            for (Map<String, List<RunRecord>> byTask : pooled.values()) {
                if (byTask.size() > 1) {
                    out.add(summarise(ALL_TASKS, List.copyOf(byTask.values()), o));
                }
            }
        }
        return out;
    }

    /** The regime as a curve label: the label, with the algorithm in front when the analysis mixes algorithms. */
    public String series(boolean withAlgorithm) {
        return withAlgorithm ? algorithm + " " + label : label;
    }

    private static String key(RunRecord r) {
        return r.algorithm() + "\u0000" + r.label() + "\u0000" + r.width();
    }

    private static List<RunRecord> sorted(List<RunRecord> runs) {
        return runs.stream().sorted(Comparator.comparing(RunRecord::task).thenComparing(RunRecord::algorithm)
                .thenComparing(RunRecord::label).thenComparingDouble(RunRecord::width)
                .thenComparingLong(RunRecord::seed)).toList();
    }

    private static GroupSummary summarise(String task, List<List<RunRecord>> strata, Options o) {
        List<double[]> finals = new ArrayList<>();
        List<double[]> aucs = new ArrayList<>();
        List<RunRecord> all = new ArrayList<>();
        for (List<RunRecord> s : strata) {
            finals.add(s.stream().mapToDouble(r -> r.finalReturn(o.lastK())).toArray());
            aucs.add(s.stream().mapToDouble(RunRecord::auc).toArray());
            all.addAll(s);
        }
        RunRecord first = all.getFirst();
        List<RunRecord> finished = all.stream().filter(RunRecord::finished).toList();
        List<RunRecord> source = finished.isEmpty() ? all : finished;
        return new GroupSummary(task, first.algorithm(), first.label(), first.width(), List.copyOf(all),
                Stats.iqmWithCi(finals, o.replicates(), o.seed()), Stats.iqmWithCi(aucs, o.replicates(), o.seed()),
                mean(source, RunRecord.Compute::paramsTotal), mean(source, RunRecord.Compute::paramsActive),
                mean(source, RunRecord.Compute::flopsPerCallDense), mean(source, RunRecord.Compute::flopsPerCallActual),
                mean(source, RunRecord.Compute::trainFlopsDense), mean(source, RunRecord.Compute::trainFlopsActual),
                all.stream().mapToDouble(r -> r.compute().peakRssBytes()).filter(Double::isFinite).max()
                        .orElse(Double.NaN) / (1 << 20),
                mean(source, RunRecord.Compute::wallClockSeconds), all.size() - finished.size(), finished.isEmpty());
    }

    /** The mean of one compute figure over the runs that recorded it; NaN when none did. */
    private static double mean(List<RunRecord> runs, ToDoubleFunction<RunRecord.Compute> f) {
        return runs.stream().mapToDouble(r -> f.applyAsDouble(r.compute())).filter(Double::isFinite).average()
                .orElse(Double.NaN);
    }
}
