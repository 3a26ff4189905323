package dev.topiary.bench;

import dev.topiary.backend.BlasOps.Trans;
import dev.topiary.backend.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The forward pass {@code Y = X (W ⊙ M)ᵀ + b} of a batch-256 layer against density, with the dense references from
 * the same run: our dense layer and OpenBLAS's SGEMM on the same weight.
 *
 * <p>Napkin math, W = 1024: dense is 2·256·1024² = 0.54 GFLOP (≈ 2.9 ms for OpenBLAS here). The compact layer does
 * d of that: per non-zero one broadcast weight times a 64-sample batch tile (8 AVX2 or 4 AVX-512 vectors), i.e. one
 * vector load per FMA from a feature-major copy of X. Its ceiling is the L1/L2 load bandwidth (~1 vector per cycle
 * once the slab spills L1, ~100 GFLOP/s per core), not the FMA units, so it should reach 3× OpenBLAS at d = 0.1 and
 * break even with our own dense kernel somewhere around d = 0.3–0.5. MASKED costs what DENSE costs, whatever the
 * density.
 *
 * <p>On a GPU (W = 4096, d = 0.1): dense is 8.6 GFLOP, ~0.15 ms at an H100's fp32 rate; the compact layer does 0.86
 * GFLOP but gathers X by column index, so L2 bandwidth rather than FMA bounds it. The target is ≥ 3.5× our dense
 * kernel and ≥ 5× cuSPARSE's CSR SpMM on the same arrays.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class Bench_02_SparseForward {

    /** MASKED or COMPACT at the state's density. */
    @Benchmark
    public Tensor sparse(SparseLayerState s) {
        s.f.backend.sparse().forward(s.f.x, s.f.w, s.f.bias, s.f.y);
        s.f.backend.sync();
        return s.f.y;
    }

    /** Our dense layer: one NT GEMM with the bias added in its store. */
    @Benchmark
    public Tensor dense(DenseLayerState d) {
        d.f.backend.sparse().forward(d.f.x, d.f.w, d.f.bias, d.f.y);
        d.f.backend.sync();
        return d.f.y;
    }

    /** GPU only: cuSPARSE's CSR SpMM on a compact layer's own arrays (no bias: a lower bound on its layer time). */
    @Benchmark
    public Tensor cusparse(CsrLayerState c) throws Throwable {
        c.cusparse.forward();
        c.f.backend.sync();
        return c.f.y;
    }

    /** OpenBLAS's {@code cblas_sgemm} on the same X and W (no bias: a lower bound on its layer time). */
    @Benchmark
    public Tensor openblas(DenseLayerState d) {
        d.openBlas().sgemm(Trans.N, Trans.T, 1f, d.f.x, d.f.w.values(), 0f, d.f.y);
        return d.f.y;
    }
}
