package dev.topiary.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.run.CsvLog;
import dev.topiary.sweep.Expansion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code topiary analyze} reads from one run directory: {@code config.json} (task, algorithm, regimes, width,
 * seed), {@code sweep.json} when the run belongs to a sweep (its regime label), {@code evals.csv} (the learning
 * curve), {@code compute.json} (parameters, FLOPs, peak memory, wall-clock) and {@code diagnostics.csv} (dormant
 * ratios, stable ranks). A run without {@code DONE} is partial: it counts up to its last evaluation.
 *
 * @param steps       environment steps of the evaluations, increasing
 * @param returns     mean evaluation return at each of {@code steps}
 * @param diagSteps   environment steps of the diagnostics rows
 * @param diagnostics column name (e.g. {@code srank/critic}) to its values at {@code diagSteps}
 */
public record RunRecord(Path dir, String task, String algorithm, String label, double width, long seed,
                        boolean finished, double[] steps, double[] returns, Compute compute, double[] diagSteps,
                        Map<String, double[]> diagnostics) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** compute.json's figures; NaN where the run did not record them (runs older than compute.json). */
    public record Compute(double paramsTotal, double paramsActive, double flopsPerCallDense,
                          double flopsPerCallActual, double trainFlopsActual, double peakRssBytes,
                          double wallClockSeconds) {
        static final Compute UNKNOWN = new Compute(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN);
    }

    /** True when {@code dir} looks like a run directory (it has a config.json). */
    public static boolean isRun(Path dir) {
        return Files.isRegularFile(dir.resolve("config.json"));
    }

    /** Reads a run; a missing or unreadable file fails with its path and what it should hold. */
    public static RunRecord load(Path dir) {
        JsonNode config = json(dir.resolve("config.json")).path("config");
        String algorithm = text(config, "algorithm", dir);
        String task = text(config, "env", dir);
        double width = config.path("widthMultiplier").asDouble(Double.NaN);
        long seed = config.path("schedule").path("seed").asLong();
        Path sweep = dir.resolve("sweep.json");
        String label = Files.isRegularFile(sweep) ? text(json(sweep), "label", dir)
                : Expansion.label(text(config, "encoderRegime", dir), text(config, "criticRegime", dir),
                text(config, "actorRegime", dir), algorithm);
        Path evals = dir.resolve("evals.csv");
        if (!Files.isRegularFile(evals)) {
            throw new IllegalArgumentException(evals + " is missing: the run has no evaluations yet (or is not a "
                    + "topiary run); drop it or pass --skip-bad");
        }
        double[][] curve = columns(evals, List.of("step", "mean"));
        Path diag = dir.resolve("diagnostics.csv");
        double[] diagSteps = new double[0];
        Map<String, double[]> diagnostics = new LinkedHashMap<>();
        if (Files.isRegularFile(diag)) {
            List<String> cols = CsvLog.readColumns(diag);
            double[][] all = columns(diag, cols);
            diagSteps = all[cols.indexOf("step")];
            for (int i = 0; i < cols.size(); i++) {
                if (cols.get(i).startsWith("dormant") || cols.get(i).startsWith("srank")) {
                    diagnostics.put(cols.get(i), all[i]);
                }
            }
        }
        return new RunRecord(dir, task, algorithm, label, width, seed, Files.exists(dir.resolve("DONE")), curve[0],
                curve[1], compute(dir.resolve("compute.json")), diagSteps, Map.copyOf(diagnostics));
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
                num(c, "flops_per_call_actual"), num(c, "train_flops_actual"), num(c, "peak_rss_bytes"),
                num(c, "wall_clock_s"));
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
            throw new IllegalArgumentException(csv + " is not a readable CSV log (" + e.getMessage() + "); drop the "
                    + "run or pass --skip-bad");
        }
        double[][] out = new double[names.size()][rows.size()];
        for (int j = 0; j < names.size(); j++) {
            int c = cols.indexOf(names.get(j));
            if (c < 0) {
                throw new IllegalArgumentException(csv + " has no column '" + names.get(j) + "' (columns " + cols
                        + "); drop the run or pass --skip-bad");
            }
            for (int i = 0; i < rows.size(); i++) {
                out[j][i] = rows.get(i)[c];
            }
        }
        return out;
    }

    private static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not readable JSON (" + e.getMessage() + "); drop the run "
                    + "or pass --skip-bad");
        }
    }

    private static String text(JsonNode n, String key, Path dir) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(dir + ": '" + key + "' is missing from its config.json/sweep.json; "
                    + "drop the run or pass --skip-bad");
        }
        return v.asText();
    }
}
