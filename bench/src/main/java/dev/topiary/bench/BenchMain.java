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
            Usage: topiary bench [--quick | --full] [--backend cpu|cuda] [--include REGEX] [--forks N]
                                 [--param NAME=V1[,V2...]]... [--out FILE.json]
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
              --backend B      cpu (default) or cuda: the GPU benchmarks (dense GEMM fp32 and TF32, forward,
                               layer step, masked dW, AdamW, topology update) on the CUDA backend, synchronised
                               inside every invocation, with cuBLAS SGEMM (fp32, TF32) and cuSPARSE CSR SpMM in the
                               same run when libcublas/libcusparse (.so.13 or .so.12) load, each checked against our
                               result first; otherwise they are reported "not available: why". --quick on the GPU:
                               width 4096, densities 0.1, 0.4, 1.0, GEMM 256x4096x4096 NN and NT, 1 fork. Without a
                               usable GPU, cuda stops at once with the reasons. (emulated runs the same code on the
                               CPU emulation of the kernels: it checks the code paths and measures nothing.)
              --include REGEX  only benchmarks whose name (dev.topiary.bench.Bench_NN_Topic.method) matches REGEX,
                               e.g. 'Bench_0[12]' or 'LayerStep'. Bench_30_MujocoStep (µs per humanoid physics
                               step and per humanoid-run agent step, to compare with MuJoCo's mujoco-testspeed)
                               runs on the CPU where MuJoCo is installed, and is skipped with a note elsewhere.
                               Bench_40_TrainingThroughput (MR.Q training throughput at humanoid-run's shapes,
                               width x0.25, x1, x4, x8, regimes dense, mst and mst-d0.1: value + policy updates/s,
                               encoder updates/s, the whole call with bursts amortised, and env steps/s with
                               humanoid-run where MuJoCo is installed) runs only when --include names it, with
                               its own preset: on 2 quiet CPU cores about 17 minutes (at most 20; env steps at
                               x0.25 and x1 only; x8 holds about 10 GB of memory; --full, longer), on a GPU
                               (--backend cuda) every width, a few minutes. See the class's Javadoc.
              --forks N        JMH forks for every benchmark (overrides the preset).
              --param N=V[,V]  the values of JMH parameter N for every benchmark that has it (overrides the
                               preset; repeatable), e.g. --param width=0.25 for a smoke run of Bench_40.
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
            Bench_04_WeightGradient, Bench_05_MaskedAdamW, Bench_06_TopologyUpdate, Bench_20_NetworkTopology,
            Bench_30_MujocoStep, Bench_40_TrainingThroughput. OpenBLAS comes from Debian's
            libopenblas0-pthread; when it is missing its benchmarks are skipped and the install command is printed.
            Do not run other heavy work on the machine meanwhile: two cores leave no room for noise.
            """;

    /** The benchmark classes in report order; the first four are the headline ones. */
    static final List<Class<?>> CLASSES = List.of(Bench_00_FmaPeak.class, Bench_01_DenseGemm.class,
            Bench_02_SparseForward.class, Bench_03_LayerStep.class, Bench_04_WeightGradient.class,
            Bench_05_MaskedAdamW.class, Bench_06_TopologyUpdate.class, Bench_20_NetworkTopology.class,
            Bench_30_MujocoStep.class, Bench_40_TrainingThroughput.class);
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
    record Settings(boolean full, String include, Integer forks, Path out, String backend,
                    Map<String, String[]> params) {
        boolean gpu() {
            return !backend.equals("cpu");
        }

        static Settings parse(String[] args) {
            boolean full = false;
            String backend = "cpu";
            String include = ".*";
            Integer forks = null;
            Map<String, String[]> params = new LinkedHashMap<>();
            Path out = Path.of("topiary-bench.json");
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> full = false;
                    case "--full" -> full = true;
                    case "--include" -> include = value(args, ++i, "--include");
                    case "--forks" -> forks = Integer.parseInt(value(args, ++i, "--forks"));
                    case "--param" -> {
                        String p = value(args, ++i, "--param");
                        int eq = p.indexOf('=');
                        if (eq < 1 || eq == p.length() - 1) {
                            throw new IllegalArgumentException("--param " + p + ": use NAME=V1[,V2...]");
                        }
                        params.put(p.substring(0, eq), p.substring(eq + 1).split(","));
                    }
                    case "--out" -> out = Path.of(value(args, ++i, "--out"));
                    case "--backend" -> {
                        backend = value(args, ++i, "--backend");
                        if (!BenchBackend.NAMES.contains(backend)) {
                            throw new IllegalArgumentException("--backend " + backend + ": use cpu or cuda");
                        }
                    }
                    case "--help", "-h" -> {
                        return null;
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'; see --help");
                }
            }
            return new Settings(full, include, forks, out, backend, params);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value; see --help");
            }
            return args[i];
        }
    }

    static void run(Settings s, PrintStream out) throws RunnerException, IOException {
        BenchBackend.checkUsable(s.backend());
        OpenBlas.Result blas = OpenBlas.load();
        if (!s.gpu() && !blas.available()) {
            out.println("topiary bench: OpenBLAS baselines skipped: " + String.join("; ", blas.reasons()));
        }
        Baselines baselines = Baselines.of(s, blas.available());
        if (!s.gpu() && !dev.topiary.env.mujoco.Mujoco.available()
                && Pattern.compile(s.include()).matcher(Bench_30_MujocoStep.class.getName()).find()) {
            out.println("topiary bench: the MuJoCo benchmarks skipped: " + dev.topiary.env.mujoco.Mujoco.HOW_TO_INSTALL);
        }
        if (Pattern.compile(s.include()).matcher(Bench_40_TrainingThroughput.class.getName()).find()) {
            if (!optedIn(s, Bench_40_TrainingThroughput.class)) {
                out.println("topiary bench: Bench_40_TrainingThroughput not run: it runs only when --include names "
                        + "it (about 17 minutes on 2 CPU cores)");
            } else if (s.backend().equals("emulated")) {
                out.println("topiary bench: Bench_40's envStep skipped: 250 training calls a round are too slow on "
                        + "the emulated kernels (the updates check the code paths)");
            } else if (Bench_40_TrainingThroughput.envUnavailable() != null) {
                out.println("topiary bench: Bench_40's envStep skipped: "
                        + Bench_40_TrainingThroughput.envUnavailable());
            }
        }
        if (s.gpu()) {
            out.println("topiary bench: backend " + s.backend() + "; cuBLAS "
                    + (baselines.cublas().available() ? baselines.cublas().path()
                    : "not available: " + baselines.cublas().reason()) + "; cuSPARSE "
                    + (baselines.cusparse().available() ? baselines.cusparse().path()
                    : "not available: " + baselines.cusparse().reason()));
        }
        String loadBefore = BenchJson.loadAverage();
        long start = System.nanoTime();
        List<BenchRecord> rows = new ArrayList<>();
        List<Map<String, Object>> settings = new ArrayList<>();
        Pattern include = Pattern.compile(s.include());
        for (int c = 0; c < CLASSES.size(); c++) {
            Class<?> clazz = CLASSES.get(c);
            List<String> methods = selected(clazz, include, baselines);
            if (methods.isEmpty() || !optedIn(s, clazz)) {
                continue;
            }
            int forks = s.forks() != null ? s.forks() : s.full() ? (c < HEADLINE ? 2 : 1) : 1;
            if (clazz == Bench_40_TrainingThroughput.class) {
                for (Bench_40_TrainingThroughput.Run r : Bench_40_TrainingThroughput.runs(methods, s.backend(),
                        s.full(), s.params())) {
                    ChainedOptionsBuilder opts = base(clazz, r.methods(), s, forks);
                    r.tuning().apply(opts);
                    r.params().forEach(opts::param);
                    settings.add(describe(clazz, r, s, forks));
                    for (RunResult result : new Runner(opts.build()).run()) {
                        rows.add(BenchRecord.of(result));
                    }
                }
                continue;
            }
            Map<String, String[]> params = new LinkedHashMap<>();
            ChainedOptionsBuilder opts = options(clazz, methods, s, forks, params);
            params.putAll(s.params());
            params.forEach(opts::param);
            settings.add(describe(clazz, methods, s, forks));
            for (RunResult r : new Runner(opts.build()).run()) {
                rows.add(BenchRecord.of(r));
            }
        }
        BenchSummary summary = new BenchSummary(rows, s.gpu());
        out.println(summary.text());
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("preset", s.full() ? "full" : "quick");
        run.put("backend", s.backend());
        if (s.gpu()) {
            run.put("device", s.backend().equals("cuda") ? dev.topiary.backend.GpuProbe.probe().device()
                    : "emulated kernels (a check of the code paths, not a measurement)");
            run.put("cublas", baselines.cublas().available() ? baselines.cublas().path()
                    : "not available: " + baselines.cublas().reason());
            run.put("cusparse", baselines.cusparse().available() ? baselines.cusparse().path()
                    : "not available: " + baselines.cusparse().reason());
        }
        run.put("include", s.include());
        run.put("wallSeconds", (System.nanoTime() - start) * 1e-9);
        run.put("loadAverageBefore", loadBefore);
        run.put("loadAverageAfter", BenchJson.loadAverage());
        run.put("benchmarks", settings);
        BenchJson.write(s.out(), run, blas, rows, summary.json());
        out.println("results written to " + s.out().toAbsolutePath());
    }

    /**
     * Which baselines can run: OpenBLAS on the CPU backend; our TF32 kernel, cuBLAS and cuSPARSE on the GPU ones
     * (the vendor libraries only where they load; on the emulated kernels never).
     */
    record Baselines(boolean gpu, String backend, boolean openBlas, VendorGpu.Loaded cublas,
                     VendorGpu.Loaded cusparse) {
        static Baselines of(Settings s, boolean openBlas) {
            VendorGpu.Loaded none = new VendorGpu.Loaded(null, "", "needs the CUDA backend");
            boolean cuda = s.backend().equals("cuda");
            return new Baselines(s.gpu(), s.backend(), openBlas, cuda ? VendorGpu.cublas() : none,
                    cuda ? VendorGpu.cusparse() : none);
        }

        boolean runs(Class<?> clazz, String method) {
            if (gpu && GPU_SKIPS.contains(clazz)) {
                return false;
            }
            if (clazz == Bench_30_MujocoStep.class && !dev.topiary.env.mujoco.Mujoco.available()) {
                return false;   // reported once by run()
            }
            if (clazz == Bench_40_TrainingThroughput.class && method.equals("envStep")
                    && (backend.equals("emulated") || Bench_40_TrainingThroughput.envUnavailable() != null)) {
                return false;   // reported once by run()
            }
            return switch (method) {
                case "openblas" -> !gpu && openBlas;
                case "oursTf32" -> gpu;
                case "cublas", "cublasTf32" -> cublas.available();
                case "cusparse" -> cusparse.available();
                default -> true;
            };
        }
    }

    /** CPU-only benchmarks: the Vector API FMA peak, the whole-agent update (its networks live on the CPU), MuJoCo. */
    static final List<Class<?>> GPU_SKIPS = List.of(Bench_00_FmaPeak.class, Bench_20_NetworkTopology.class,
            Bench_30_MujocoStep.class);

    /** The @Benchmark methods of a class whose full names match, minus the baselines that cannot run here. */
    static List<String> selected(Class<?> clazz, Pattern include, Baselines baselines) {
        List<String> out = new ArrayList<>();
        for (Method m : clazz.getDeclaredMethods()) {
            if (m.isAnnotationPresent(Benchmark.class) && include.matcher(clazz.getName() + "." + m.getName()).find()
                    && baselines.runs(clazz, m.getName())) {
                out.add(m.getName());
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * Bench_40_TrainingThroughput is long (about 17 minutes on 2 CPU cores): it runs only when {@code --include}
     * names it, not under the default {@code .*}.
     */
    static boolean optedIn(Settings s, Class<?> clazz) {
        return clazz != Bench_40_TrainingThroughput.class || !s.include().equals(".*");
    }

    /** {@code --param}'s overrides as the JSON records them ("width=0.25; regime=dense,mst"), or null for none. */
    private static String paramOverrides(Settings s) {
        if (s.params().isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        s.params().forEach((k, v) -> parts.add(k + "=" + String.join(",", v)));
        return String.join("; ", parts);
    }

    /** The methods, forks and backend of one JMH run, with the benchmark's own iterations and parameters. */
    private static ChainedOptionsBuilder base(Class<?> clazz, List<String> methods, Settings s, int forks) {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(Pattern.quote(clazz.getName()) + "\\.(" + String.join("|", methods) + ")$")
                .forks(forks)
                .shouldFailOnError(false);
        if (s.gpu()) {
            o.jvmArgsAppend(forkProperties(s.backend()));
        }
        return o;
    }

    /**
     * The preset's iterations on the builder, and its parameter values into {@code params} (set on the builder by
     * the caller, after {@code --param}'s overrides: JMH's {@code param} adds values rather than replacing them).
     */
    private static ChainedOptionsBuilder options(Class<?> clazz, List<String> methods, Settings s, int forks,
                                                 Map<String, String[]> params) {
        ChainedOptionsBuilder o = base(clazz, methods, s, forks);
        if (s.full()) {
            return o.warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(1));
        }
        if (s.backend().equals("emulated")) {
            // The emulated kernels run every CUDA thread on the CPU: the smallest grid, to check code paths only.
            params.put("width", new String[] {"256"});
            params.put("density", new String[] {"0.1", "1.0"});
            params.put("shape", new String[] {"256x256x256"});
            params.put("trans", new String[] {"NT"});
            return o.warmupIterations(1).warmupTime(TimeValue.milliseconds(100))
                    .measurementIterations(1).measurementTime(TimeValue.milliseconds(100));
        }
        if (s.gpu()) {
            // GPU ops take micro- to milliseconds: 0.3 s iterations are hundreds of invocations each.
            params.put("width", new String[] {"4096"});
            params.put("density", new String[] {"0.1", "0.4", "1.0"});
            if (clazz == Bench_01_DenseGemm.class) {
                params.put("shape", new String[] {"256x4096x4096"});
                params.put("trans", new String[] {"NN", "NT"});
            }
            return o.warmupIterations(2).warmupTime(TimeValue.milliseconds(300))
                    .measurementIterations(3).measurementTime(TimeValue.milliseconds(300));
        }
        params.put("width", new String[] {"1024"});
        params.put("density", new String[] {"0.1", "0.4", "1.0"});
        if (clazz == Bench_01_DenseGemm.class) {
            params.put("shape", new String[] {"256x1024x1024", "256x4096x4096"});
            params.put("trans", new String[] {"NN", "NT"});
        }
        return o.warmupIterations(2).warmupTime(TimeValue.milliseconds(500))
                .measurementIterations(3).measurementTime(TimeValue.milliseconds(500));
    }

    /** The backend, and the settings it needs, for every fork (JMH forks inherit neither). */
    static String[] forkProperties(String backend) {
        List<String> props = new ArrayList<>();
        props.add("-D" + BenchBackend.PROPERTY + "=" + backend);
        for (String p : List.of(dev.topiary.backend.kernel.EmuDevice.LIBRARY_PROPERTY, "topiary.cuda.lib",
                "topiary.cuda.syncEachLaunch")) {
            if (System.getProperty(p) != null) {
                props.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        return props.toArray(String[]::new);
    }

    private static Map<String, Object> describe(Class<?> clazz, Bench_40_TrainingThroughput.Run r, Settings s,
                                                int forks) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("class", clazz.getSimpleName());
        m.put("methods", r.methods());
        m.put("forks", forks);
        m.put("warmup", r.warmup());
        m.put("measurement", r.measurement());
        m.put("mode", r.mode());
        m.put("params", r.paramsText());
        if (paramOverrides(s) != null) {
            m.put("paramOverrides", paramOverrides(s));
        }
        return m;
    }

    private static Map<String, Object> describe(Class<?> clazz, List<String> methods, Settings s, int forks) {
        boolean full = s.full();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("class", clazz.getSimpleName());
        m.put("methods", methods);
        m.put("forks", forks);
        m.put("warmup", full ? "3 × 1 s" : s.gpu() ? "2 × 0.3 s" : "2 × 0.5 s");
        m.put("measurement", full ? "5 × 1 s" : s.gpu() ? "3 × 0.3 s" : "3 × 0.5 s");
        m.put("mode", "average time per op");
        m.put("params", full ? "annotation defaults (full grid)"
                : s.gpu() ? (clazz == Bench_01_DenseGemm.class ? "shape 256x4096x4096; trans NN, NT"
                : "width 4096; density 0.1, 0.4, 1.0")
                : clazz == Bench_01_DenseGemm.class ? "shape 256x1024x1024, 256x4096x4096; trans NN, NT"
                : "width 1024; density 0.1, 0.4, 1.0");
        if (paramOverrides(s) != null) {
            m.put("paramOverrides", paramOverrides(s));
        }
        return m;
    }
}
