package dev.topiary.sparse;

import dev.topiary.backend.Backend;
import dev.topiary.backend.SparseWeight.Layout;
import dev.topiary.backend.TensorArena;
import dev.topiary.nn.LayerContext;
import dev.topiary.nn.Linear;
import dev.topiary.nn.Module;
import dev.topiary.nn.MrqConfig;
import dev.topiary.nn.MrqNetworks;
import dev.topiary.nn.TestBackends;
import dev.topiary.sparse.Trainer.Canonical;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * MST on MR.Q's default networks (dog-run shapes): encoder dense, critic RigL at 0.6 ER, actor static at 0.6 ER;
 * and a regime run on one thread is bit-identical to the same run on two.
 */
class MstPresetTest {

    @Test
    void mstPresetSparsifiesCriticAndActorByErdosRenyi() {
        Backend b = TestBackends.cpu();
        RegimePlan plan = RegimePlan.mst();
        assertInstanceOf(RegimeConfig.Dense.class, plan.forModule("encoder"));
        assertEquals(new RegimeConfig.RigL(0.6, 1000, 0.3, 0.8), plan.forModule("value"));
        assertEquals(new RegimeConfig.StaticSparse(0.6), plan.forModule("actor"));
        assertThrows(IllegalArgumentException.class, () -> plan.forModule("world-model"));
        try (TensorArena arena = b.newArena()) {
            LayerContext ctx = LayerContext.of(b, arena);
            MrqConfig c = MrqConfig.defaults(223, 38);
            List<SparseModule> modules = new ArrayList<>();
            for (Module m : List.of(MrqNetworks.encoder(ctx, c), MrqNetworks.value(ctx, c), MrqNetworks.policy(ctx, c))) {
                modules.add(SparseModule.create(m, plan.forModule(m.name()), 500_000, 11));
            }
            for (Linear l : modules.get(0).module().linears()) {
                assertEquals(Layout.DENSE, l.weight().layout());
            }
            checkEr(modules.get(1).module(), "rigl", modules.get(1).regime().name());
            checkEr(modules.get(2).module(), "static", modules.get(2).regime().name());
            // 512 × 512 layers at ER 0.6: the 1-output heads saturate and stay dense.
            assertEquals(Layout.DENSE, modules.get(1).module().linears().get(3).weight().layout());
            assertEquals(1_576_962, modules.get(1).module().parameterCount().total());
        }
    }

    private static void checkEr(Module m, String expectedRegime, String regime) {
        assertEquals(expectedRegime, regime);
        List<int[]> shapes = new ArrayList<>();
        for (Linear l : m.linears()) {
            shapes.add(new int[] {l.weight().rows(), l.weight().cols()});
        }
        int[] k = ErdosRenyi.activeCounts(shapes, 0.6);
        long weights = 0;
        long active = 0;
        for (int i = 0; i < k.length; i++) {
            assertEquals(k[i], m.linears().get(i).weight().nnz(), m.name() + " layer " + i);
            weights += shapes.get(i)[0] * (long) shapes.get(i)[1];
            active += k[i];
        }
        assertEquals(0.6, 1 - (double) active / weights, 1e-5);
    }

    @Test
    void topologyUpdatesAreBitIdenticalOnOneAndTwoThreads() {
        for (RegimeConfig config : List.of(new RegimeConfig.RigL(0.8, 3, 0.3, 0.8),
                new RegimeConfig.SparseToDense(0.8, 3, 0.8))) {
            try (Trainer one = new Trainer(TestBackends.cpu(), config, 30, 5);
                 Trainer two = new Trainer(TestBackends.cpuParallel(), config, 30, 5)) {
                for (int t = 0; t < 30; t++) {
                    one.step();
                    two.step();
                }
                for (int l = 0; l < one.weights().size(); l++) {
                    Canonical a = Trainer.canonical(one.weights().get(l));
                    Canonical c = Trainer.canonical(two.weights().get(l));
                    assertArrayEquals(a.mask(), c.mask(), config + " layer " + l);
                    assertArrayEquals(a.values(), c.values(), config + " layer " + l);
                    assertArrayEquals(a.m(), c.m(), config + " layer " + l);
                }
            }
        }
    }
}
