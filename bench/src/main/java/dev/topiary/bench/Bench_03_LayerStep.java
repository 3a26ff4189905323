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
 * One training step of a batch-256 layer per layout: forward, dX, dW and AdamW. This is the measurement that sets
 * {@code CpuBackend.COMPACT_BELOW_DENSITY}: the density where COMPACT stops beating MASKED.
 *
 * <p>Napkin math, W = 1024: three products of 0.54 GFLOP each (≈ 4–5 ms dense at 350–400 GFLOP/s) plus AdamW over
 * 1 M weights at 28 B each (param, grad, m, v read; param, m, v written), 28 MB, ≈ 1.5–2 ms at the ~15–20 GB/s two
 * cores stream. COMPACT scales both parts by d (AdamW runs over the nnz-long arrays) but its products run at a
 * fraction of the dense kernel's rate; MASKED pays the dense products plus a mask byte per weight in AdamW and the
 * mask in the dW store, so it should cost within a few percent of DENSE.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class Bench_03_LayerStep {

    @Benchmark
    public Tensor sparse(SparseLayerState s) {
        s.f.trainingStep();
        s.f.backend.sync();
        return s.f.y;
    }

    @Benchmark
    public Tensor dense(DenseLayerState d) {
        d.f.trainingStep();
        d.f.backend.sync();
        return d.f.y;
    }
}
