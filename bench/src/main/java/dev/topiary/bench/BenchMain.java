package dev.topiary.bench;

import dev.topiary.baseline.OpenBlas;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Runs Topiary's JMH benchmarks through JMH's Java API, prints the ratios that matter and writes every score to JSON;
 * {@code plot} turns such a JSON file into a PNG of throughput against density. See {@link #HELP}.
 */
public final class BenchMain {
    static final String HELP = """
            Usage: topiary bench [--quick | --full] [--include REGEX] [--forks N] [--out FILE.json]
                   topiary bench plot RESULTS.json OUT.png

            Runs the JMH benchmarks of the CPU backend (batch 256 × width × density) in the same run as the
            references they are judged against (OpenBLAS SGEMM, our dense layer, the machine's FMA peak), then prints
            a table of the ratios that matter and writes every score to JSON.

              --quick          (default) a subset that finishes in a few minutes on 2 cores: width 1024 (GEMM also
                               256×4096×4096), densities 0.1, 0.4 and 1.0, GEMM in NN and NT, 1 fork, 2 warm-up and
                               3 measurement iterations of 0.5 s. Good for a smoke test, not for publishing.
              --full           the whole grid: widths 256, 1024, 4096; densities 0.02, 0.05, 0.1, 0.25, 0.4, 0.5,
                               1.0; GEMM in NN, NT, TN at five shapes; 2 forks for the headline benchmarks (FMA peak,
                               GEMM, sparse forward, layer step) and 1 for the rest; 3 × 1 s warm-up, 5 × 1 s
                               measurement. About 1.5 to 2 hours on 2 cores.
              --include REGEX  only benchmarks whose name (dev.topiary.bench.Bench_NN_Topic.method) matches REGEX,
                               e.g. 'Bench_0[12]' or 'LayerStep'.
              --forks N        JMH forks for every benchmark (overrides the preset).
              --out FILE.json  where to write the results (default: topiary-bench.json). The file records the
                               machine (CPU model, cores, memory), the JDK, the date, the JMH settings, OpenBLAS's
                               build, every score with its error and per-fork values, GFLOP/s (dense-equivalent and
                               actual) and the summary ratios.
              --help           this text.

              plot RESULTS.json OUT.png
                               draws throughput (dense-equivalent GFLOP/s) against density for the sparse forward pass
                               and the layer training step: one line per width, with our dense layer and OpenBLAS as
                               reference lines. Plain Java2D, headless.

            Benchmarks: Bench_00_FmaPeak, Bench_01_DenseGemm, Bench_02_SparseForward, Bench_03_LayerStep,
            Bench_04_WeightGradient, Bench_05_MaskedAdamW, Bench_06_TopologyUpdate. OpenBLAS comes from Debian's
            libopenblas0-pthread; when it is missing its benchmarks are skipped and the install command is printed.
            Do not run other heavy work on the machine meanwhile: two cores leave no room for noise.
            """;

    /** The benchmark classes in report order; the first four are the headline ones. */
    static final List<Class<?>> CLASSES = List.of(Bench_00_FmaPeak.class, Bench_01_DenseGemm.class,
            Bench_02_SparseForward.class, Bench_03_LayerStep.class, Bench_04_WeightGradient.class,
            Bench_05_MaskedAdamW.class, Bench_06_TopologyUpdate.class, Bench_20_NetworkTopology.class);
    private static final int HEADLINE = 4;

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("plot")) {
            if (args.length != 3) {
                throw new IllegalArgumentException("usage: plot RESULTS.json OUT.png");
            }
            BenchPlot.render(Path.of(args[1]), Path.of(args[2]));
            System.out.println("wrote " + args[2]);
            return;
        }
        Settings s = Settings.parse(args);
        if (s == null) {
            System.out.print(HELP);
            return;
        }
        run(s, System.out);
    }

    /** Command-line settings. */
    record Settings(boolean full, String include, Integer forks, Path out) {
        static Settings parse(String[] args) {
            boolean full = false;
            String include = ".*";
            Integer forks = null;
            Path out = Path.of("topiary-bench.json");
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> full = false;
                    case "--full" -> full = true;
                    case "--include" -> include = value(args, ++i, "--include");
                    case "--forks" -> forks = Integer.parseInt(value(args, ++i, "--forks"));
                    case "--out" -> out = Path.of(value(args, ++i, "--out"));
                    case "--help", "-h" -> {
                        return null;
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'; see --help");
                }
            }
            return new Settings(full, include, forks, out);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value; see --help");
            }
            return args[i];
        }
    }

    static void run(Settings s, PrintStream out) throws RunnerException, IOException {
        OpenBlas.Result blas = OpenBlas.load();
        if (!blas.available()) {
            out.println("topiary bench: OpenBLAS baselines skipped: " + String.join("; ", blas.reasons()));
        }
        String loadBefore = BenchJson.loadAverage();
        long start = System.nanoTime();
        List<BenchRecord> rows = new ArrayList<>();
        List<Map<String, Object>> settings = new ArrayList<>();
        Pattern include = Pattern.compile(s.include());
        for (int c = 0; c < CLASSES.size(); c++) {
            Class<?> clazz = CLASSES.get(c);
            List<String> methods = selected(clazz, include, blas.available());
            if (methods.isEmpty()) {
                continue;
            }
            int forks = s.forks() != null ? s.forks() : s.full() ? (c < HEADLINE ? 2 : 1) : 1;
            ChainedOptionsBuilder opts = options(clazz, methods, s.full(), forks);
            settings.add(describe(clazz, methods, s.full(), forks));
            for (RunResult r : new Runner(opts.build()).run()) {
                rows.add(BenchRecord.of(r));
            }
        }
        BenchSummary summary = new BenchSummary(rows);
        out.println(summary.text());
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("preset", s.full() ? "full" : "quick");
        run.put("include", s.include());
        run.put("wallSeconds", (System.nanoTime() - start) * 1e-9);
        run.put("loadAverageBefore", loadBefore);
        run.put("loadAverageAfter", BenchJson.loadAverage());
        run.put("benchmarks", settings);
        BenchJson.write(s.out(), run, blas, rows, summary.json());
        out.println("results written to " + s.out().toAbsolutePath());
    }

    /** The @Benchmark methods of a class whose full names match, minus OpenBLAS's when it is missing. */
    static List<String> selected(Class<?> clazz, Pattern include, boolean openBlas) {
        List<String> out = new ArrayList<>();
        for (Method m : clazz.getDeclaredMethods()) {
            if (m.isAnnotationPresent(Benchmark.class) && include.matcher(clazz.getName() + "." + m.getName()).find()
                    && (openBlas || !m.getName().equals("openblas"))) {
                out.add(m.getName());
            }
        }
        out.sort(null);
        return out;
    }

    private static ChainedOptionsBuilder options(Class<?> clazz, List<String> methods, boolean full, int forks) {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(Pattern.quote(clazz.getName()) + "\\.(" + String.join("|", methods) + ")$")
                .forks(forks)
                .shouldFailOnError(false);
        if (full) {
            return o.warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(1));
        }
        o.warmupIterations(2).warmupTime(TimeValue.milliseconds(500))
                .measurementIterations(3).measurementTime(TimeValue.milliseconds(500))
                .param("width", "1024")
                .param("density", "0.1", "0.4", "1.0");
        if (clazz == Bench_01_DenseGemm.class) {
            o.param("shape", "256x1024x1024", "256x4096x4096").param("trans", "NN", "NT");
        }
        return o;
    }

    private static Map<String, Object> describe(Class<?> clazz, List<String> methods, boolean full, int forks) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("class", clazz.getSimpleName());
        m.put("methods", methods);
        m.put("forks", forks);
        m.put("warmup", full ? "3 × 1 s" : "2 × 0.5 s");
        m.put("measurement", full ? "5 × 1 s" : "3 × 0.5 s");
        m.put("mode", "average time per op");
        m.put("params", full ? "annotation defaults (full grid)"
                : clazz == Bench_01_DenseGemm.class ? "shape 256x1024x1024, 256x4096x4096; trans NN, NT"
                : "width 1024; density 0.1, 0.4, 1.0");
        return m;
    }
}
