package dev.topiary.bench;

import dev.topiary.backend.BlasOps.Trans;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import dev.topiary.backend.Backend;
import dev.topiary.backend.kernel.KernelBlas;
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
import org.openjdk.jmh.infra.BenchmarkParams;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Our Vector API SGEMM against OpenBLAS's {@code cblas_sgemm} on the same tensors, same thread count, same run; with
 * {@code --backend cuda}, our tiled GEMM kernel (fp32, and TF32 on tensor cores) against cuBLAS SGEMM (fp32, TF32).
 *
 * <p>Shapes are m×n×k. 256×W×W is the batch-256 forward (NT: {@code Y = X Wᵀ}) and dX (NN: {@code dX = dY W}) of a
 * W-wide layer; W×W×256 is its weight gradient (TN: {@code dW = dYᵀ X}).
 *
 * <p>Napkin math: 256×1024×1024 is 0.54 GFLOP, 256×4096×4096 8.6 GFLOP. At a 2-core peak of ~400 GFLOP/s (Zen 5)
 * that is 1.3 ms and 21 ms. The 4096² weight (64 MiB) does not fit L3, but each weight element feeds 2·256 FLOP, so
 * the product stays compute-bound if B is packed once per k block: packing streams the weight from DRAM once
 * (64 MiB at ~20 GB/s ≈ 3 ms, split over the cores).
 *
 * <p>On an H100 (SXM: ~60 TFLOP/s fp32 without tensor cores, ~400 dense TF32, 3 TB/s) 256×4096×4096 is 8.6 GFLOP:
 * ~0.15 ms at the fp32 peak, ~0.02 ms at TF32, while its 80 MB of operands take ~0.03 ms to read. The fp32 kernel is
 * compute-bound; TF32 at this size is bounded by memory and launch overhead, so expect far less than the peak ratio.
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

    private Backend backend;
    private VendorGpu.Cublas cublas;
    private TensorArena arena;
    private OpenBlas openBlas;
    private Trans ta;
    private Trans tb;
    private Tensor a;
    private Tensor b;
    private Tensor c;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws Throwable {
        String[] d = shape.split("x");
        int m = Integer.parseInt(d[0]);
        int n = Integer.parseInt(d[1]);
        int k = Integer.parseInt(d[2]);
        ta = Trans.valueOf(trans.substring(0, 1));
        tb = Trans.valueOf(trans.substring(1));
        backend = BenchBackend.open();
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
            openBlas.setThreads(Runtime.getRuntime().availableProcessors());
        }
        if (params.getBenchmark().contains(".cublas")) {
            cublas = new VendorGpu.Cublas(backend);
            verifyCublas();
        }
    }

    /** The baseline must compute what ours computes (TF32 rounds the inputs: a looser bound). */
    private void verifyCublas() throws Throwable {
        backend.blas().gemm(ta, tb, 1f, a, b, 0f, c);
        float[] ours = c.toFloats();
        for (boolean tf32 : new boolean[] {false, true}) {
            cublas.tf32(tf32);
            cublas.gemm(ta, tb, a, b, c);
            double err = relativeError(ours, c.toFloats());
            if (!(err < (tf32 ? 1e-2 : 1e-4))) {
                throw new IllegalStateException("cuBLAS" + (tf32 ? " TF32" : "") + " differs from our GEMM: "
                        + "relative error " + err + " at " + shape + " " + trans);
            }
        }
    }

    static double relativeError(float[] expected, float[] actual) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = (double) actual[i] - expected[i];
            num += d * d;
            den += (double) expected[i] * expected[i];
        }
        return Math.sqrt(num / Math.max(den, Double.MIN_NORMAL));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (cublas != null) {
            cublas.close();
        }
        arena.close();
        backend.close();
    }

    /** The packed, blocked Vector API kernel over all cores; on a GPU, our tiled fp32 kernel. */
    @Benchmark
    public Tensor ours() {
        backend.blas().gemm(ta, tb, 1f, a, b, 0f, c);
        backend.sync();
        return c;
    }

    /** GPU only: our TF32 tensor-core kernel (off by default in training; on here for this call). */
    @Benchmark
    public Tensor oursTf32() {
        KernelBlas blas = (KernelBlas) backend.blas();
        blas.setTf32(true);
        try {
            blas.gemm(ta, tb, 1f, a, b, 0f, c);
            backend.sync();
        } finally {
            blas.setTf32(false);
        }
        return c;
    }

    /** GPU only: cuBLAS SGEMM, plain fp32 (CUBLAS_DEFAULT_MATH), on the backend's stream. */
    @Benchmark
    public Tensor cublas() throws Throwable {
        cublas.tf32(false);
        cublas.gemm(ta, tb, a, b, c);
        backend.sync();
        return c;
    }

    /** GPU only: cuBLAS SGEMM with CUBLAS_TF32_TENSOR_OP_MATH. */
    @Benchmark
    public Tensor cublasTf32() throws Throwable {
        cublas.tf32(true);
        cublas.gemm(ta, tb, a, b, c);
        backend.sync();
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
