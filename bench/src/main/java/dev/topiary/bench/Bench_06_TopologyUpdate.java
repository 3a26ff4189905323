package dev.topiary.bench;

import dev.topiary.backend.Backend;
import dev.topiary.backend.SparseWeight.Layout;
import dev.topiary.backend.Tensor;
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

import java.util.concurrent.TimeUnit;

/**
 * One RigL topology update of a layer: (expand if compact) → prune the 30 % smallest active weights → regrow as many
 * inactive entries with the largest dense gradient → reset values and moments of changed entries → (compact again).
 * The dense gradient that scores regrowth is one TN GEMM, timed on its own ({@code denseGradient}) because a trainer
 * computes it only on update steps.
 *
 * <p>Napkin math, W = 1024 (1 M candidates): two radix selections over the mask and |values| / |scores| (a few
 * passes over 5 MB), a mask diff over 1 M entries, and for COMPACT one expand and one compact (rebuilding CSR + CSC,
 * O(W² + nnz)); a few milliseconds, under 1 % of 1000 training steps. The dense gradient is a 0.54 GFLOP GEMM.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class Bench_06_TopologyUpdate {
    /** RigL's usual initial drop fraction. */
    static final double DROP = 0.3;

    /** A layer plus what an update needs: the mask before the update and the regrowth scores. */
    @State(Scope.Benchmark)
    public static class Update {
        @Param({"256", "1024", "4096"})
        public int width;

        @Param({"0.02", "0.05", "0.1", "0.25", "0.4", "0.5", "1.0"})
        public double density;

        @Param({"MASKED", "COMPACT"})
        public String layout;

        LayerFixture f;
        Tensor oldMask;
        Tensor scores;
        int k;

        @Setup(Level.Trial)
        public void setUp() {
            f = new LayerFixture(Layout.valueOf(layout), width, density);
            oldMask = f.arena.u8(width, width);
            scores = f.arena.f32(width, width);
            f.backend.sparse().denseWeightGrad(f.dy, f.x, scores);
            k = (int) Math.round(DROP * f.nnz);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            f.close();
        }
    }

    @Benchmark
    public Tensor update(Update u) {
        LayerFixture f = u.f;
        Backend b = f.backend;
        boolean compact = f.layout == Layout.COMPACT;
        Tensor values = compact ? f.values : f.w.values();
        Tensor mask = compact ? f.mask : f.w.mask();
        Tensor m = compact ? f.denseM : f.m;
        Tensor v = compact ? f.denseV : f.v;
        if (compact) {
            b.sparse().expand(f.w, values, mask, new Tensor[] {f.m, f.v}, new Tensor[] {m, v});
        }
        b.elements().copy(mask, u.oldMask);
        b.topology().pruneSmallest(values, mask, f.nnz, u.k);
        b.topology().growLargest(u.scores, mask, f.nnz - u.k, u.k);
        b.topology().applyMaskChange(u.oldMask, mask, values, m, v);
        if (compact) {
            b.sparse().compact(values, mask, f.nnz, f.w, new Tensor[] {m, v}, new Tensor[] {f.m, f.v});
        }
        b.sync();
        return mask;
    }

    /** The gradient regrowth scores: {@code G = dYᵀ X} over all W² entries. */
    @Benchmark
    public Tensor denseGradient(DenseLayerState d) {
        d.f.backend.sparse().denseWeightGrad(d.f.dy, d.f.x, d.f.dw);
        d.f.backend.sync();
        return d.f.dw;
    }
}
