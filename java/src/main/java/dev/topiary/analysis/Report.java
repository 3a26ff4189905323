package dev.topiary.analysis;

import dev.topiary.sweep.Expansion;

import java.util.List;
import java.util.Locale;

/** The text outputs of an analysis: {@code report.md} and {@code summary.csv}. */
final class Report {
    private Report() {
    }

    static String markdown(String title, List<SweepInfo> sweeps, List<RunRecord> runs, List<GroupSummary> summaries,
                           GroupSummary.Options o, List<String> figures) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(title).append("\n\n");
        md.append(sweeps(sweeps, runs));
        long partial = runs.stream().filter(r -> !r.finished()).count();
        md.append(String.format(Locale.ROOT, "%d runs (%d finished, %d partial: counted up to their last "
                + "evaluation), %d groups of task × algorithm × regime × width.%n%n", runs.size(),
                runs.size() - partial, partial, summaries.size()));
        md.append(method(o)).append("\n");
        md.append("| task | algorithm | regime | width | seeds | IQM final return [95% CI] | IQM AUC [95% CI] "
                + "| params total | params active | FLOPs/step dense | FLOPs/step actual | peak RSS MB "
                + "| wall-clock s |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (GroupSummary s : summaries) {
            String mark = s.computeFromPartial() ? " *" : "";
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | ×%s | %d%s | %s | %s | %s | %s | %s | %s | %s "
                            + "| %s |%n", s.task(), s.algorithm(), s.label(), number(s.width()), s.runs().size(),
                    s.partial() > 0 ? " (" + s.partial() + " partial)" : "", estimate(s.finalReturn()),
                    estimate(s.auc()), count(s.paramsTotal()) + mark, count(s.paramsActive()) + mark,
                    sci(s.flopsPerCallDense()), sci(s.flopsPerCallActual()), Analysis.fmt(s.peakRssMb()),
                    Analysis.fmt(s.wallClockSeconds()) + mark));
        }
        if (summaries.stream().anyMatch(GroupSummary::computeFromPartial)) {
            md.append("\n\\* no run of the group has finished: its compute figures come from partial runs (totals "
                    + "up to their last checkpoint).\n");
        }
        md.append("\n").append(Budgets.markdown(runs));
        md.append("## Figures\n\n");
        for (String f : figures) {
            md.append("![").append(f).append("](").append(f).append(")\n\n");
        }
        return md.toString();
    }

    /** Each sweep's name, how much of it the analysis covers, and its notes, verbatim. */
    private static String sweeps(List<SweepInfo> sweeps, List<RunRecord> runs) {
        StringBuilder md = new StringBuilder();
        for (SweepInfo s : sweeps) {
            List<RunRecord> in = s.runsIn(runs);
            long finished = in.stream().filter(RunRecord::finished).count();
            md.append(String.format(Locale.ROOT, "**Sweep '%s'** (%s): %d of its %d planned runs analysed, %d "
                    + "finished and %d partial; the rest had not started or not yet evaluated.%n%n", s.name(), s.dir(),
                    in.size(), s.runCount(), finished, in.size() - finished));
            if (!s.notes().isBlank()) {
                md.append("> ").append(s.notes().strip().replace("\n", "\n> ")).append("\n\n");
            }
        }
        return md.toString();
    }

    private static String method(GroupSummary.Options o) {
        return String.format(Locale.ROOT, """
                How to read it: a run's **final return** is the mean evaluation return of its last %d \
                evaluation(s) (`--last-k`); its **AUC** is the area under its learning curve (trapezoids over \
                environment steps, from its first evaluation to its last) divided by the steps it spans, so it reads \
                as the curve's average return; a partial run's AUC covers only the steps it reached. Each cell is \
                the **interquartile mean** over the group's runs (fractional weights, so it is defined for any \
                number of seeds; see dev.topiary.analysis.Stats) with a 95%% **stratified-bootstrap** interval \
                (%,d replicates, seed %d; a stratum is a task, so 'all tasks' rows resample within each task and \
                pool raw returns, which is meaningful only when tasks share a return scale, as DeepMind Control's \
                [0, 1000] does). Learning-curve bands use %,d replicates per evaluation step, and where partial runs \
                have stopped a curve's tail rests on fewer seeds. **FLOPs/step** is the estimated matrix-multiply \
                work of one training call, i.e. one environment step after the warm-up: updates per step (see \
                Budgets) × 6 × batch × linear weights of the trained modules (dense: every weight; actual: the \
                active ones), see dev.topiary.rl.UpdateCost; divide by updates/step for FLOPs per gradient update. \
                Parameters (all of every module's, at the end of the run; active = non-zero under the masks), \
                FLOPs and wall-clock are means over the group's finished runs' compute.json; peak RSS is the \
                largest over its runs (process resident memory; GPU memory is not measured). With few seeds (the \
                paper's protocol is 10) an IQM interval is wide and coarse: read it as a range, not a ranking.
                """, o.lastK(), o.replicates(), o.seed(), Math.min(o.replicates(), Analysis.CURVE_REPLICATES));
    }

    static String csv(List<GroupSummary> summaries) {
        StringBuilder csv = new StringBuilder("task,algorithm,regime,width,seeds,partial,final_iqm,final_lo,final_hi,"
                + "auc_iqm,auc_lo,auc_hi,params_total,params_active,flops_per_step_dense,flops_per_step_actual,"
                + "train_flops_dense,train_flops_actual,peak_rss_mb,wall_clock_s,compute_from_partial\n");
        for (GroupSummary s : summaries) {
            csv.append(String.join(",", quote(s.task()), s.algorithm(), quote(s.label()), number(s.width()),
                    Integer.toString(s.runs().size()), Integer.toString(s.partial()), d(s.finalReturn().value()),
                    d(s.finalReturn().lo()), d(s.finalReturn().hi()), d(s.auc().value()), d(s.auc().lo()),
                    d(s.auc().hi()), d(s.paramsTotal()), d(s.paramsActive()), d(s.flopsPerCallDense()),
                    d(s.flopsPerCallActual()), d(s.trainFlopsDense()), d(s.trainFlopsActual()), d(s.peakRssMb()),
                    d(s.wallClockSeconds()), Boolean.toString(s.computeFromPartial()))).append('\n');
        }
        return csv.toString();
    }

    private static String estimate(Stats.Estimate e) {
        return e.n() == 0 ? "–" : Analysis.fmt(e.value()) + " [" + Analysis.fmt(e.lo()) + ", " + Analysis.fmt(e.hi())
                + "]";
    }

    private static String count(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%,.0f", v) : "–";
    }

    static String sci(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3g", v) : "–";
    }

    private static String d(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** 0.0625, 1, 2: the shortest plain decimal. */
    static String number(double x) {
        return Expansion.number(x);
    }
}
