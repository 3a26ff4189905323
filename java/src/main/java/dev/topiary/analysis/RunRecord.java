package dev.topiary.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.rl.RunSpec;
import dev.topiary.run.CsvLog;
import dev.topiary.sweep.Expansion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code topiary analyze} reads from one run directory: {@code config.json} (task, algorithm, regimes,
 * architecture types, width, seed), {@code sweep.json} when the run belongs to a sweep (its label), {@code evals.csv}
 * (the learning curve), {@code compute.json} (parameters, FLOPs, peak memory, wall-clock) and {@code diagnostics.csv}
 * (dormant ratios, stable ranks). A run without {@code DONE} is partial: it counts up to its last evaluation.
 *
 * @param label       the group the run belongs to: its regime's label, then {@code +} and the architecture types
 *                    that differ from MR.Q's (e.g. {@code mst+critic=type6}), so each architecture is its own group
 * @param schedule    the run's planned budget, from config.json
 * @param steps       environment steps of the evaluations, increasing
 * @param returns     mean evaluation return at each of {@code steps}
 * @param diagSteps   environment steps of the diagnostics rows
 * @param diagnostics column name (e.g. {@code srank/critic}) to its values at {@code diagSteps}
 */
public record RunRecord(Path dir, String task, String algorithm, String label, double width, long seed,
                        boolean finished, Schedule schedule, double[] steps, double[] returns, Compute compute, double[] diagSteps,
                        Map<String, double[]> diagnostics) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * compute.json's figures; NaN where the run did not record them (runs older than compute.json, or a run killed
     * before its first checkpoint). A partial run's training FLOPs and wall-clock are sums up to its last checkpoint.
     */
    public record Compute(double paramsTotal, double paramsActive, double flopsPerCallDense,
                          double flopsPerCallActual, double trainFlopsDense, double trainFlopsActual,
                          double peakRssBytes, double wallClockSeconds, double updatesPerCall) {
        static final Compute UNKNOWN = new Compute(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    /** The run's planned budget: environment steps, warm-up, and evaluation every {@code evalInterval} steps. */
    public record Schedule(long totalSteps, long warmupSteps, long evalInterval, int evalEpisodes) {
        static Schedule of(JsonNode schedule) {
            return new Schedule(schedule.path("totalSteps").asLong(0), schedule.path("warmupSteps").asLong(0),
                    schedule.path("evalInterval").asLong(0), schedule.path("evalEpisodes").asInt(0));
        }
    }

    /** True when {@code dir} looks like a run directory (it has a config.json). */
    public static boolean isRun(Path dir) {
        return Files.isRegularFile(dir.resolve("config.json"));
    }

    /**
     * Reads a run; a missing or unreadable file fails with its path and what it should hold. Evaluation steps must
     * increase and their returns be finite (a diverged run's NaN has no rank, so it is refused rather than guessed).
     */
    public static RunRecord load(Path dir) {
        Path configFile = dir.resolve("config.json");
        JsonNode config = json(configFile).path("config");
        String algorithm = text(config, "algorithm", configFile);
        String task = text(config, "env", configFile);
        JsonNode width = config.get("widthMultiplier");
        if (width == null || !width.isNumber()) {
            throw bad(configFile, "has no numeric config.widthMultiplier");
        }
        Path sweep = dir.resolve("sweep.json");
        String architecture = RunSpec.architectureLabel(optionalText(config, "encoderArch"),
                optionalText(config, "criticArch"), optionalText(config, "actorArch"));
        String label = Files.isRegularFile(sweep) ? text(json(sweep), "label", sweep)
                : Expansion.withArchitecture(Expansion.label(text(config, "encoderRegime", configFile),
                text(config, "criticRegime", configFile), text(config, "actorRegime", configFile), algorithm),
                architecture);
        if (!architecture.isEmpty() && !label.contains(architecture)) {
            // A sweep label chosen by hand may not say the types; groups of different architectures must not merge.
            label = Expansion.withArchitecture(label, architecture);
        }
        Path evals = dir.resolve("evals.csv");
        if (!Files.isRegularFile(evals)) {
            throw bad(evals, "is missing: the run has no evaluations yet (or is not a topiary run)");
        }
        double[][] curve = columns(evals, List.of("step", "mean"));
        checkCurve(evals, curve[0], curve[1]);
        Path diag = dir.resolve("diagnostics.csv");
        double[] diagSteps = new double[0];
        Map<String, double[]> diagnostics = new LinkedHashMap<>();
        if (Files.isRegularFile(diag)) {
            diagSteps = columns(diag, List.of("step"))[0];
            List<String> cols = CsvLog.readColumns(diag);
            double[][] all = columns(diag, cols);
            for (int i = 0; i < cols.size(); i++) {
                if (cols.get(i).startsWith("dormant") || cols.get(i).startsWith("srank")) {
                    diagnostics.put(cols.get(i), all[i]);
                }
            }
        }
        return new RunRecord(dir, task, algorithm, label, width.asDouble(), config.path("schedule").path("seed")
                .asLong(), Files.exists(dir.resolve("DONE")), Schedule.of(config.path("schedule")), curve[0],
                curve[1], compute(dir.resolve("compute.json")), diagSteps, Map.copyOf(diagnostics));
    }

    private static void checkCurve(Path evals, double[] steps, double[] returns) {
        for (int i = 0; i < steps.length; i++) {
            if (i > 0 && !(steps[i] > steps[i - 1])) {
                throw bad(evals, "has step " + (long) steps[i] + " after step " + (long) steps[i - 1]
                        + " (steps must increase)");
            }
            if (!Double.isFinite(returns[i])) {
                throw bad(evals, "has a non-finite mean return (" + returns[i] + ") at step " + (long) steps[i]
                        + "; the run diverged");
            }
        }
    }

    /** The error for a run file that cannot be used, naming it and the ways out. */
    static IllegalArgumentException bad(Path file, String what) {
        return new IllegalArgumentException(file + " " + what + "; drop the run or pass --skip-bad");
    }

    /** The mean of the last {@code k} evaluations (all of them when there are fewer). */
    public double finalReturn(int k) {
        int from = Math.max(0, returns.length - k);
        double s = 0;
        for (int i = from; i < returns.length; i++) {
            s += returns[i];
        }
        return s / (returns.length - from);
    }

    /** The learning curve's area divided by its span ({@link Stats#normalizedAuc}). */
    public double auc() {
        return Stats.normalizedAuc(steps, returns);
    }

    private static Compute compute(Path file) {
        if (!Files.isRegularFile(file)) {
            return Compute.UNKNOWN;
        }
        JsonNode c = json(file);
        return new Compute(num(c, "params_total"), num(c, "params_active"), num(c, "flops_per_call_dense"),
                num(c, "flops_per_call_actual"), num(c, "train_flops_dense"), num(c, "train_flops_actual"),
                num(c, "peak_rss_bytes"), num(c, "wall_clock_s"), num(c, "updates_per_call"));
    }

    private static double num(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v != null && v.isNumber() ? v.asDouble() : Double.NaN;
    }

    /** The named columns of a CSV log, each as an array over its complete rows. */
    private static double[][] columns(Path csv, List<String> names) {
        List<String> cols;
        List<double[]> rows;
        try {
            cols = CsvLog.readColumns(csv);
            rows = CsvLog.readRows(csv);
        } catch (RuntimeException e) {
            throw bad(csv, "is not a readable CSV log (" + e.getMessage() + ")");
        }
        double[][] out = new double[names.size()][rows.size()];
        for (int j = 0; j < names.size(); j++) {
            int c = cols.indexOf(names.get(j));
            if (c < 0) {
                throw bad(csv, "has no column '" + names.get(j) + "' (columns " + cols + ")");
            }
            for (int i = 0; i < rows.size(); i++) {
                out[j][i] = rows.get(i)[c];
            }
        }
        return out;
    }

    /** A JSON file's tree; an unreadable, malformed or empty file is an error naming it. */
    private static JsonNode json(Path file) {
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw bad(file, "is not readable JSON (" + e.getMessage() + ")");
        }
        if (n == null || !n.isObject()) {
            throw bad(file, "does not hold a JSON object (empty or truncated?)");
        }
        return n;
    }

    /** A text field, or null when absent (config.json leaves out MR.Q's own architecture types). */
    private static String optionalText(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static String text(JsonNode n, String key, Path file) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
            throw bad(file, "has no text field '" + key + "'");
        }
        return v.asText();
    }
}
