package dev.topiary.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.nn.ParameterCount;
import dev.topiary.run.AtomicFiles;
import dev.topiary.run.CsvLog;
import dev.topiary.run.RunDirectory;
import dev.topiary.sparse.SparseModule;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A run's compute and diagnostics record, kept by the {@link Trainer}:
 *
 * <ul>
 *   <li>{@code diagnostics.csv}, one row per evaluation: wall time, the estimated FLOPs of one training call
 *       ({@link UpdateCost}, dense-equivalent and actual), linear weights (total, active), then the agent's
 *       {@link Agent#diagnostics()};</li>
 *   <li>{@code compute.json}, rewritten at every checkpoint and at the end: wall-clock seconds summed over the
 *       sessions that produced the run (a killed session's work after its last checkpoint is redone and counted
 *       once), peak resident memory of the process (Linux {@code VmHWM}: heap, the CPU backend's off-heap tensors,
 *       the JVM itself; GPU memory is not included) and peak Java heap, over every session; FLOPs per call now and
 *       summed over training; parameter counts.</li>
 * </ul>
 */
final class ComputeLog {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final RunDirectory run;
    private final Agent agent;
    private final TrainConfig cfg;
    private final CsvLog csv;
    private final double priorWallClock;
    private final long priorPeakRss;
    private final long priorPeakHeap;
    private final int sessions;

    private ComputeLog(RunDirectory run, Agent agent, TrainConfig cfg, CsvLog csv, JsonNode prior) {
        this.run = run;
        this.agent = agent;
        this.cfg = cfg;
        this.csv = csv;
        this.priorWallClock = prior.path("wall_clock_s").asDouble(0);
        this.priorPeakRss = prior.path("peak_rss_bytes").asLong(0);
        this.priorPeakHeap = prior.path("peak_heap_bytes").asLong(0);
        this.sessions = prior.path("sessions").asInt(0) + 1;
    }

    /** Opens the record of a fresh run, or of a run resumed at {@code step} (continuing its sums). */
    static ComputeLog open(RunDirectory run, Agent agent, TrainConfig cfg, boolean resuming, long step) {
        List<String> columns = new ArrayList<>(List.of("step", "wall_time", "flops_per_call_dense",
                "flops_per_call_actual", "weights_total", "weights_active"));
        columns.addAll(agent.diagnostics().keySet());
        Path file = run.diagnostics();
        CsvLog csv = resuming ? CsvLog.resume(file, columns, step) : CsvLog.create(file, columns);
        JsonNode prior = resuming ? readJson(run.compute()) : JSON.createObjectNode();
        return new ComputeLog(run, agent, cfg, csv, prior);
    }

    /** One row at an evaluation. */
    void record(long step, double sessionSeconds) {
        UpdateCost c = agent.updateCost();
        Map<String, Double> d = agent.diagnostics();
        double[] row = new double[csv.columns().size() - 1];
        row[0] = sessionSeconds;
        row[1] = c.denseFlops();
        row[2] = c.actualFlops();
        row[3] = c.totalWeights();
        row[4] = c.activeWeights();
        for (int i = 5; i < row.length; i++) {
            Double v = d.get(csv.columns().get(i + 1));
            row[i] = v == null ? Double.NaN : v;
        }
        csv.append(step, row);
        csv.flush();
    }

    void sync() {
        csv.sync();
    }

    void close() {
        csv.close();
    }

    /** Rewrites {@code compute.json} for the run at {@code step}, {@code sessionSeconds} into this session. */
    void save(long step, double sessionSeconds, boolean finished) {
        csv.sync();
        UpdateCost c = agent.updateCost();
        ParameterCount params = new ParameterCount(0, 0);
        for (SparseModule sm : agent.modules()) {
            params = params.plus(sm.module().parameterCount());
        }
        double wall = priorWallClock + sessionSeconds;
        double[] totals = trainingFlops(run.diagnostics(), step);
        ObjectNode o = JSON.createObjectNode();
        o.put("finished", finished);
        o.put("step", step);
        o.put("train_calls", agent.trainCalls());
        o.put("sessions", sessions);
        o.put("wall_clock_s", wall);
        o.put("steps_per_s", wall > 0 ? step / wall : 0);
        o.put("peak_rss_bytes", Math.max(priorPeakRss, peakRssBytes()));
        o.put("peak_heap_bytes", Math.max(priorPeakHeap, peakHeapBytes()));
        o.put("gpu_memory", "not measured");
        o.put("flops_per_call_dense", c.denseFlops());
        o.put("flops_per_call_actual", c.actualFlops());
        o.put("train_flops_dense", totals[0]);
        o.put("train_flops_actual", totals[1]);
        o.put("flops_estimate", "6 x batch x linear weights per gradient update, trained modules only "
                + "(see dev.topiary.rl.UpdateCost)");
        o.put("batch_size", c.batchSize());
        o.put("updates_per_call", c.updatesPerCall());
        o.put("weights_total", c.totalWeights());
        o.put("weights_active", c.activeWeights());
        o.put("params_total", params.total());
        o.put("params_active", params.active());
        try {
            AtomicFiles.writeString(run.compute(), JSON.writeValueAsString(o) + "\n");
        } catch (IOException e) {
            throw new IllegalStateException("could not write compute.json: " + e.getMessage(), e);
        }
    }

    /**
     * FLOPs of the training calls up to {@code step}, dense and actual: each evaluation row's cost per call holds
     * until the next row (the first row's back to the end of the warm-up).
     */
    private double[] trainingFlops(Path file, long step) {
        List<double[]> rows = CsvLog.readRows(file);
        double dense = 0;
        double actual = 0;
        for (int i = 0; i < rows.size(); i++) {
            long start = Math.max(cfg.warmupSteps(), i == 0 ? 0 : (long) rows.get(i)[0]);
            long end = i + 1 < rows.size() ? (long) rows.get(i + 1)[0] : step;
            long calls = Math.max(0, end - start);
            if (!Double.isNaN(rows.get(i)[2])) {
                dense += rows.get(i)[2] * calls;
                actual += rows.get(i)[3] * calls;
            }
        }
        return new double[]{dense, actual};
    }

    /** Peak resident set of this process ({@code VmHWM}), or 0 where /proc is unavailable. */
    static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** Sum of the heap pools' peak usage since the JVM started. */
    static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
