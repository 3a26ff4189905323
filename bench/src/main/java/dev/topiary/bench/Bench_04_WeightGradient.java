package dev.topiary.bench;

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
 * The masked weight gradient {@code dW = (dYᵀ X) ⊙ M}: MASKED (the dense TN GEMM with the mask applied in its
 * store), COMPACT (SDDMM over the non-zeros only) and DENSE (no mask).
 *
 * <p>Napkin math, W = 1024: 2·1024²·256 = 0.54 GFLOP dense. The fused mask costs one byte load and a blend per
 * output, ~1 MB against 0.54 GFLOP: free. SDDMM does d of the FLOPs as one 256-long dot product per non-zero: 16
 * vector loads of X (feature-major) against 16 registers holding the row of dY, then one lane fold; L2 bandwidth, not
 * FMA, bounds it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class Bench_04_WeightGradient {

    @Benchmark
    public Tensor sparse(SparseLayerState s) {
        s.f.backend.sparse().backwardWeight(s.f.dy, s.f.x, s.f.w, 0f, s.f.dw);
        s.f.backend.sync();
        return s.f.dw;
    }

    @Benchmark
    public Tensor dense(DenseLayerState d) {
        d.f.backend.sparse().backwardWeight(d.f.dy, d.f.x, d.f.w, 0f, d.f.dw);
        d.f.backend.sync();
        return d.f.dw;
    }
}
