package dev.topiary.sparse;

import dev.topiary.backend.AdamW;
import dev.topiary.backend.Backend;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import dev.topiary.nn.ArchType;
import dev.topiary.nn.DenseGradients;
import dev.topiary.nn.LayerContext;
import dev.topiary.nn.Mlp;
import dev.topiary.nn.Module;
import dev.topiary.nn.Network;
import dev.topiary.nn.WeightParameter;

import java.util.List;
import java.util.Optional;

/**
 * A small sparse MLP module trained on random inputs and random output gradients: enough to drive every regime's
 * topology updates and AdamW with weight decay through the real code path.
 */
final class Trainer implements AutoCloseable {
    static final int IN = 12;
    static final int HIDDEN = 24;
    static final int OUT = 5;
    static final int BATCH = 16;

    final Backend backend;
    final TensorArena arena;
    final Module module;
    final Network net;
    final SparseModule sparse;
    private final Tensor x;
    private final Tensor dy;
    private final long seed;

    Trainer(Backend backend, RegimeConfig config, long totalSteps, long seed) {
        this.backend = backend;
        this.arena = backend.newArena();
        this.seed = seed;
        LayerContext ctx = LayerContext.of(backend, arena);
        this.net = Mlp.builder().type(ArchType.TYPE_4).input(IN).hidden(HIDDEN).depth(2).output(OUT).build(ctx, "mlp");
        this.module = new Module("critic", ctx, new AdamW(1e-2f, 0.9f, 0.999f, 1e-8f, 0.1f), 5f, List.of(net));
        this.sparse = SparseModule.create(module, config, totalSteps, seed);
        this.x = arena.f32(BATCH, IN);
        this.dy = arena.f32(BATCH, OUT);
    }

    /** Forward and backward on fresh random data, then the module's step (and topology update, when due). */
    Optional<TopologyReport> step() {
        long t = module.steps();
        backend.random().uniform(x, -1, 1, seed, 2 * t);
        backend.random().normal(dy, 0, 1, seed, 2 * t + 1);
        net.forward(x);
        net.backward(dy, false);
        return sparse.step(DenseGradients.of(net.pass(BATCH)));
    }

    List<WeightParameter> weights() {
        return module.linears().stream().map(l -> l.weight()).toList();
    }

    /** Host copy of a weight's canonical form. */
    static Canonical canonical(WeightParameter w) {
        int n = (int) w.count();
        Canonical c = new Canonical(new float[n], new byte[n], new float[n], new float[n]);
        w.exportCanonical(c.values, c.mask, c.m, c.v);
        return c;
    }

    record Canonical(float[] values, byte[] mask, float[] m, float[] v) {
        int active() {
            int k = 0;
            for (byte b : mask) {
                k += b;
            }
            return k;
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
