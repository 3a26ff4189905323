package dev.topiary.bench;

import dev.topiary.backend.Backend;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import dev.topiary.backend.cpu.CpuBackend;
import dev.topiary.nn.DenseGradients;
import dev.topiary.nn.LayerContext;
import dev.topiary.nn.Module;
import dev.topiary.nn.MrqConfig;
import dev.topiary.nn.MrqNetworks;
import dev.topiary.nn.Network;
import dev.topiary.nn.Pass;
import dev.topiary.sparse.Regime;
import dev.topiary.sparse.RegimeConfig;
import dev.topiary.sparse.TopologyReport;
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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One topology update of a whole MR.Q-sized agent on the CPU backend: every linear layer of the default encoder,
 * critic and actor (3.99 M weights, dog-run shapes: 223-dim observation, 38-dim action) under one regime, at module
 * step 1000 of T = 100 000, where the cosine schedule drops 29.96 % of each sparse layer's connections and regrows as
 * many. RigL's update includes the dense gradient {@code G = dYᵀ X} of every sparse layer from the cached batch-256
 * pass (the caller's cost on update steps); SET grows at random and needs none.
 *
 * <p>Napkin math: the dense gradients are 2 · 256 · 3.99 M ≈ 2.0 GFLOP, tens of milliseconds at the GEMM's rate on
 * two cores; the selections read about 9 bytes per weight per pass (value or score, mask) over 4 M weights, a few
 * passes each, so well under 10 ms of memory traffic; the layout round trip of a compact layer adds an expand and a
 * compact. Amortised over ΔT = 1000 steps either is far below a millisecond per training step.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class Bench_20_NetworkTopology {
    static final int BATCH = 256;
    static final long T = 100_000;
    static final long STEP = 1000;

    /** The agent, its regimes, and passes holding one batch's activations and output gradients. */
    @State(Scope.Benchmark)
    public static class Agent {
        @Param({"rigl", "set"})
        public String regime;

        /** 0.6: every sparse layer MASKED on the CPU; 0.9: COMPACT (below the 0.3-density crossover). */
        @Param({"0.6", "0.9"})
        public double sparsity;

        Backend backend;
        TensorArena arena;
        final List<Regime> regimes = new ArrayList<>();
        final List<Pass> passes = new ArrayList<>();
        DenseGradients gradients;

        @Setup(Level.Trial)
        public void setUp() {
            backend = new CpuBackend();
            arena = backend.newArena();
            LayerContext ctx = LayerContext.of(backend, arena);
            MrqConfig c = MrqConfig.defaults(223, 38);
            RegimeConfig config = regime.equals("rigl") ? new RegimeConfig.RigL(sparsity, 1000, 0.3, 0.8)
                    : new RegimeConfig.Set(sparsity, 1000, 0.3, 0.8);
            for (Module m : List.of(MrqNetworks.encoder(ctx, c), MrqNetworks.value(ctx, c), MrqNetworks.policy(ctx, c))) {
                Regime r = config.create(m, T, 17);
                r.initialise();
                m.initialise(17);
                regimes.add(r);
                for (Network n : m.networks()) {
                    passes.add(backPropagateRandomBatch(n));
                }
            }
            gradients = DenseGradients.of(passes.toArray(new Pass[0]));
        }

        private Pass backPropagateRandomBatch(Network n) {
            Tensor x = arena.f32(BATCH, n.inFeatures());
            Tensor dy = arena.f32(BATCH, n.outFeatures());
            backend.random().uniform(x, -1, 1, 5, passes.size());
            backend.random().normal(dy, 0, 1, 6, passes.size());
            Pass p = n.pass(BATCH);
            p.forward(x);
            p.backward(dy, false);
            return p;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
            backend.close();
        }
    }

    @Benchmark
    public long update(Agent a) {
        long changed = 0;
        for (Regime r : a.regimes) {
            TopologyReport report = r.update(STEP, a.gradients);
            changed += report.totalGrown();
        }
        return changed;
    }
}
