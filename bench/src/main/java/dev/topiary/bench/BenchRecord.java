package dev.topiary.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.RunResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One measured configuration: which benchmark, its parameters, the JMH score (time per op) and what it means in
 * FLOP/s, computed here from the parameters (dense-equivalent counts every weight, actual counts the active ones).
 */
record BenchRecord(String clazz, String method, Map<String, String> params, int threads, double ms, double msError,
                   long samples, int forks, List<Double> perForkMs, double gflopsDense, double gflopsActual,
                   double gbPerS) {

    static BenchRecord of(RunResult run) {
        BenchmarkParams p = run.getParams();
        String full = p.getBenchmark();
        int dot = full.lastIndexOf('.');
        String clazz = full.substring(full.lastIndexOf('.', dot - 1) + 1, dot);
        String method = full.substring(dot + 1);
        Map<String, String> params = new LinkedHashMap<>();
        for (String key : p.getParamsKeys()) {
            params.put(key, p.getParam(key));
        }
        double toMs = toMillis(p.getTimeUnit());
        double ms = run.getPrimaryResult().getScore() * toMs;
        double err = run.getPrimaryResult().getScoreError() * toMs;
        List<Double> perFork = new ArrayList<>();
        for (BenchmarkResult fork : run.getBenchmarkResults()) {
            perFork.add(fork.getPrimaryResult().getScore() * toMs);
        }
        return derive(clazz, method, params, p.getThreads(), ms, Double.isNaN(err) ? 0 : err,
                run.getPrimaryResult().getSampleCount(), p.getForks(), perFork);
    }

    private static double toMillis(TimeUnit unit) {
        return switch (unit) {
            case NANOSECONDS -> 1e-6;
            case MICROSECONDS -> 1e-3;
            case MILLISECONDS -> 1;
            case SECONDS -> 1e3;
            default -> unit.toNanos(1) * 1e-6;
        };
    }

    /** Fills in the FLOP/s and bandwidth figures for a measured time. */
    static BenchRecord derive(String clazz, String method, Map<String, String> params, int threads, double ms,
                              double msError, long samples, int forks, List<Double> perForkMs) {
        double[] flops = flops(clazz, method, params, threads);
        double seconds = ms * 1e-3;
        double dense = flops[0] / seconds * 1e-9;
        double actual = flops[1] / seconds * 1e-9;
        double gb = bytes(clazz, method, params) / seconds * 1e-9;
        return new BenchRecord(clazz, method, params, threads, ms, msError, samples, forks, perForkMs, dense, actual,
                gb);
    }

    int width() {
        return Integer.parseInt(params.getOrDefault("width", "0"));
    }

    double density() {
        return Double.parseDouble(params.getOrDefault("density", "1"));
    }

    String layout() {
        return params.getOrDefault("layout", method.equals("openblas") ? "OPENBLAS"
                : method.equals("cusparse") ? "CUSPARSE" : "DENSE");
    }

    /** Weights a layer of this record holds active. */
    static long nnz(int width, double density) {
        return Math.max(1, Math.round(density * width * (double) width));
    }

    /** {dense-equivalent, actual} floating-point operations per op; NaN where FLOPs do not describe the work. */
    private static double[] flops(String clazz, String method, Map<String, String> p, int threads) {
        int batch = LayerFixture.BATCH;
        if (clazz.startsWith("Bench_00")) {
            double f = (double) Bench_00_FmaPeak.flopsPerOp() * threads;
            return new double[] {f, f};
        }
        if (clazz.startsWith("Bench_01")) {
            String[] d = p.get("shape").split("x");
            double f = 2.0 * Double.parseDouble(d[0]) * Double.parseDouble(d[1]) * Double.parseDouble(d[2]);
            return new double[] {f, f};
        }
        int products = switch (clazz.substring(0, 8)) {
            case "Bench_02", "Bench_04" -> 1;
            case "Bench_03" -> 3;
            case "Bench_06" -> method.equals("denseGradient") ? 1 : 0;
            default -> 0;
        };
        if (products == 0 || !p.containsKey("width")) {
            return new double[] {Double.NaN, Double.NaN};
        }
        int w = Integer.parseInt(p.get("width"));
        double dense = 2.0 * batch * w * (double) w * products;
        boolean sparse = p.containsKey("density") && (p.containsKey("layout") || method.equals("cusparse"));
        double actual = sparse ? 2.0 * batch * nnz(w, Double.parseDouble(p.get("density"))) * products : dense;
        return new double[] {dense, actual};
    }

    /** Bytes AdamW streams per op: 28 per weight (param, grad, m, v read; param, m, v written), +1 for a mask. */
    private static double bytes(String clazz, String method, Map<String, String> p) {
        if (!clazz.startsWith("Bench_05") || !p.containsKey("width")) {
            return Double.NaN;
        }
        int w = Integer.parseInt(p.get("width"));
        String layout = p.getOrDefault("layout", "DENSE");
        return switch (layout) {
            case "COMPACT" -> 28.0 * nnz(w, Double.parseDouble(p.get("density")));
            case "MASKED" -> 29.0 * w * (double) w;
            default -> 28.0 * w * (double) w;
        };
    }
}
