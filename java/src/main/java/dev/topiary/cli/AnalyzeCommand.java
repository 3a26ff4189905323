package dev.topiary.cli;

import dev.topiary.analysis.Analysis;
import dev.topiary.analysis.GroupSummary;
import dev.topiary.analysis.RunRecord;
import dev.topiary.analysis.RunSet;
import dev.topiary.analysis.Stats;
import dev.topiary.analysis.SweepInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code topiary analyze}: statistics, figures and a report over any set of runs. */
@Command(name = "analyze", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Summarises runs (whole or partial sweeps, or single run directories) by task x algorithm x "
                + "regime x width: interquartile mean with a 95%% stratified-bootstrap interval (seeded) of the final "
                + "return and of the area under the learning curve, parameters total and active, FLOPs per training "
                + "step (dense-equivalent and actual), peak memory and wall-clock, and each task's budget.",
                "Writes into --out: report.md (tables, method, budgets, sweep notes, figures), summary.csv, "
                        + "summary.json, and PNG figures: return against "
                        + "total and active parameters (the scaling curves), against training FLOPs and wall-clock, "
                        + "learning curves per width, and dormant-ratio and stable-rank curves at the largest width.",
                "Example: topiary analyze sweeps/quick --out sweeps/quick/analysis"})
final class AnalyzeCommand implements Runnable {

    @Parameters(arity = "1..*", paramLabel = "DIR", description = "Run directories, sweep directories (their runs/ "
            + "folder is read) or folders whose subfolders are runs; a run reached twice counts once. Unfinished runs "
            + "count up to their last evaluation and are flagged as partial; runs not yet evaluated are left out "
            + "with a note.")
    List<Path> dirs = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Where report.md, summary.csv, "
            + "summary.json and the figures go (created if missing; files of the same names are replaced).")
    Path out;

    @Option(names = "--last-k", paramLabel = "K", defaultValue = "1", description = "A run's final return is the "
            + "mean of its last K evaluations' mean returns (all of them when it has fewer). The AUC always uses "
            + "every evaluation. Default: ${DEFAULT-VALUE}.")
    int lastK;

    @Option(names = "--replicates", paramLabel = "N", defaultValue = "" + Stats.DEFAULT_REPLICATES,
            description = "Bootstrap replicates for the tables' 95%% confidence intervals (learning-curve bands use at "
            + "most 2,000 per evaluation step). Default: ${DEFAULT-VALUE}.")
    int replicates;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "" + Stats.DEFAULT_SEED, description = "Seed of the "
            + "bootstrap (tables and bands), so intervals are the same on every run and machine. "
            + "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--title", paramLabel = "TEXT", description = "The report's title (default: the sweep's name "
            + "when one sweep directory is given, else 'Topiary analysis').")
    String title;

    @Option(names = "--skip-bad", description = "Leave out runs whose files are missing, unreadable or "
            + "inconsistent (each is named on stderr with its fault) instead of stopping at the first.")
    boolean skipBad;

    @Override
    public void run() {
        GroupSummary.Options options = new GroupSummary.Options(lastK, replicates, seed);
        List<RunRecord> runs = RunSet.collect(dirs, skipBad, System.err);
        List<SweepInfo> sweeps = SweepInfo.find(dirs, System.err);
        String name = sweeps.size() == 1 && dirs.size() == 1 ? "Sweep '" + sweeps.getFirst().name() + "'"
                : "Topiary analysis";
        Analysis a = new Analysis(runs, options);
        a.write(out, title != null ? title : name, sweeps);
        System.out.printf("topiary analyze: %d runs in %d groups; report in %s%n", runs.size(),
                a.summaries().size(), out.resolve("report.md"));
    }
}
