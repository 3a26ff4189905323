package dev.topiary.bench;

import dev.topiary.backend.BlasOps.Trans;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import dev.topiary.backend.cpu.CpuBackend;
import dev.topiary.baseline.OpenBlas;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Our Vector API SGEMM against OpenBLAS's {@code cblas_sgemm} on the same tensors, same thread count, same run.
 *
 * <p>Shapes are m×n×k. 256×W×W is the batch-256 forward (NT: {@code Y = X Wᵀ}) and dX (NN: {@code dX = dY W}) of a
 * W-wide layer; W×W×256 is its weight gradient (TN: {@code dW = dYᵀ X}).
 *
 * <p>Napkin math: 256×1024×1024 is 0.54 GFLOP, 256×4096×4096 8.6 GFLOP. At a 2-core peak of ~400 GFLOP/s (Zen 5)
 * that is 1.3 ms and 21 ms. The 4096² weight (64 MiB) does not fit L3, but each weight element feeds 2·256 FLOP, so
 * the product stays compute-bound if B is packed once per k block: packing streams the weight from DRAM once
 * (64 MiB at ~20 GB/s ≈ 3 ms, split over the cores).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class Bench_01_DenseGemm {
    @Param({"256x256x256", "256x1024x1024", "256x4096x4096", "1024x1024x256", "4096x4096x256"})
    public String shape;

    @Param({"NN", "NT", "TN"})
    public String trans;

    private CpuBackend backend;
    private TensorArena arena;
    private OpenBlas openBlas;
    private Trans ta;
    private Trans tb;
    private Tensor a;
    private Tensor b;
    private Tensor c;

    @Setup(Level.Trial)
    public void setUp() {
        String[] d = shape.split("x");
        int m = Integer.parseInt(d[0]);
        int n = Integer.parseInt(d[1]);
        int k = Integer.parseInt(d[2]);
        ta = Trans.valueOf(trans.substring(0, 1));
        tb = Trans.valueOf(trans.substring(1));
        backend = new CpuBackend();
        arena = backend.newArena();
        SplittableRandom r = new SplittableRandom(7);
        a = ta == Trans.N ? arena.f32(m, k, LayerFixture.normal(r, m * k, 1))
                : arena.f32(k, m, LayerFixture.normal(r, m * k, 1));
        b = tb == Trans.N ? arena.f32(k, n, LayerFixture.normal(r, k * n, 1))
                : arena.f32(n, k, LayerFixture.normal(r, k * n, 1));
        c = arena.f32(m, n);
        OpenBlas.Result loaded = OpenBlas.load();
        if (loaded.available()) {
            openBlas = loaded.require();
            openBlas.setThreads(backend.threads());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
        backend.close();
    }

    /** The packed, blocked Vector API kernel over all cores. */
    @Benchmark
    public Tensor ours() {
        backend.blas().gemm(ta, tb, 1f, a, b, 0f, c);
        return c;
    }

    /** OpenBLAS through one FFM downcall (~10 ns, nothing next to milliseconds of work). */
    @Benchmark
    public Tensor openblas() {
        if (openBlas == null) {
            throw new IllegalStateException("OpenBLAS unavailable: " + OpenBlas.load().reasons());
        }
        openBlas.sgemm(ta, tb, 1f, a, b, 0f, c);
        return c;
    }
}
