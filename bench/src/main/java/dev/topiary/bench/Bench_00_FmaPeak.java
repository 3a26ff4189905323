package dev.topiary.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The machine's FMA peak, measured rather than looked up: the denominator of every "% of peak" in the report.
 *
 * <p>Each op runs {@link #STEPS} rounds of {@link #ACCUMULATORS} independent vector FMAs. Twelve chains cover the
 * FMA latency (4 cycles) times the FMA ports (2 on Zen 5, 1 for 512-bit on Zen 4) with room to spare, and nothing
 * touches memory, so the loop runs at the core's FMA throughput at whatever clock the core sustains under load.
 *
 * <p>Napkin math: Zen 5 at ~3.1 GHz: 2 FMA × 16 lanes × 2 FLOP = 64 FLOP/cycle ≈ 200 GFLOP/s per core; Zen 4 half
 * that (512-bit FMAs are split in two). {@code allThreads} runs one copy per core; JMH reports the time per op of each
 * thread, so the machine's peak is threads × FLOP per op ÷ time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class Bench_00_FmaPeak {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int STEPS = 1 << 15;
    static final int ACCUMULATORS = 12;

    /** Not a constant, so the JIT cannot fold the chains away. */
    private float seed = 1f;

    /** Floating-point operations in one op: 2 per lane per FMA. */
    static long flopsPerOp() {
        return 2L * STEPS * ACCUMULATORS * S.length();
    }

    @Benchmark
    @Threads(1)
    public float oneThread() {
        return chains(seed);
    }

    @Benchmark
    @Threads(Threads.MAX)
    public float allThreads() {
        return chains(seed);
    }

    private static float chains(float s) {
        FloatVector a0 = FloatVector.broadcast(S, s);
        FloatVector a1 = a0.add(1), a2 = a0.add(2), a3 = a0.add(3), a4 = a0.add(4), a5 = a0.add(5);
        FloatVector a6 = a0.add(6), a7 = a0.add(7), a8 = a0.add(8), a9 = a0.add(9), a10 = a0.add(10);
        FloatVector a11 = a0.add(11);
        FloatVector m = FloatVector.broadcast(S, 0.999f);
        FloatVector c = FloatVector.broadcast(S, 1e-3f);
        for (int i = 0; i < STEPS; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        FloatVector sum = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10)
                .add(a11);
        return sum.lane(0);
    }
}
