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
 * One AdamW step over a layer's weights: MASKED (all W² entries, inactive ones held at zero by the mask), COMPACT
 * (only the nnz-long arrays) and DENSE.
 *
 * <p>Napkin math: a memory-bound stream of 28 bytes per weight (read param, grad, m, v; write param, m, v), plus one
 * mask byte for MASKED. W = 1024: 28 MB ≈ 1.5–2 ms at 15–20 GB/s; W = 4096: 470 MB ≈ 25–30 ms, as long as one of the
 * layer's GEMMs. COMPACT should cost ≈ d times DENSE; MASKED ≈ 29/28 of DENSE.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class Bench_05_MaskedAdamW {

    @Benchmark
    public Tensor sparse(SparseLayerState s) {
        s.f.backend.optim().adamW(s.f.w.values(), s.f.dw, s.f.m, s.f.v, s.f.adamMask(), LayerFixture.HP, s.f.step);
        s.f.backend.sync();
        return s.f.w.values();
    }

    @Benchmark
    public Tensor dense(DenseLayerState d) {
        d.f.backend.optim().adamW(d.f.w.values(), d.f.dw, d.f.m, d.f.v, null, LayerFixture.HP, d.f.step);
        d.f.backend.sync();
        return d.f.w.values();
    }
}
