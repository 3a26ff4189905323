package dev.topiary.diag;

import dev.topiary.backend.AdamW;
import dev.topiary.backend.Backend;
import dev.topiary.backend.NnOps.Activation;
import dev.topiary.backend.TensorArena;
import dev.topiary.nn.ActivationLayer;
import dev.topiary.nn.DenseGradients;
import dev.topiary.nn.DenseView;
import dev.topiary.nn.LayerContext;
import dev.topiary.nn.Linear;
import dev.topiary.nn.Module;
import dev.topiary.nn.Network;
import dev.topiary.nn.Pass.Feature;
import dev.topiary.nn.TestBackends;
import dev.topiary.sparse.RegimeConfig;
import dev.topiary.sparse.SparseModule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Diagnostics against hand-computed values. */
class DiagnosticsTest {
    private final Backend backend = TestBackends.cpu();
    private final TensorArena arena = backend.newArena();
    private final LayerContext ctx = LayerContext.of(backend, arena);

    @AfterEach
    void close() {
        arena.close();
    }

    @Test
    void dormantRatioScoresEachNeuronAgainstTheLayerMean() {
        // Column means of |h|: 1, 0.06, 0; layer mean 1.06/3, so scores 2.83, 0.170, 0.
        float[] h = {
            1, 0.06f, 0,
            -1, -0.06f, 0,
            1, 0.06f, 0,
            -1, -0.06f, 0};
        List<Feature> features = List.of(new Feature("f", arena.f32(4, 3, h)));
        List<DormantStats> d = Diagnostics.dormant(features, 0.1, 0.2);
        assertEquals(new DormantStats(0.1, 1, 3), d.get(0));
        assertEquals(new DormantStats(0.2, 2, 3), d.get(1));
        assertEquals(2 / 3.0, d.get(1).ratio(), 1e-12);
        List<DormantStats> silent = Diagnostics.dormant(List.of(new Feature("g", arena.f32(2, 2))), 0.1);
        assertEquals(new DormantStats(0.1, 2, 2), silent.getFirst());
    }

    @Test
    void representationOfANetworkOnABatch() {
        // Singular values 3, 2, 0.01: the first two hold 5/5.01 ≥ 0.99 of the sum, so srank = 2.
        float[] phi = {
            3, 0, 0,
            0, 2, 0,
            0, 0, 0.01f,
            0, 0, 0};
        Network net = new Network("probe", new ActivationLayer(ctx, "act", Activation.RELU, 3));
        RepresentationStats s = new Diagnostics().representation(net, arena.f32(4, 3, phi));
        assertEquals(2, s.stableRank());
        assertEquals((3 + 2 + 0.01) / 4, s.featureNorm(), 1e-7);
        // Column means 0.75, 0.5, 0.0025 against 0.41750: the last is dormant at both thresholds.
        assertEquals(1, s.dormantAt(0.1).dormant());
        assertEquals(1, s.dormantAt(0.2).dormant());
        assertEquals(3, s.featureWidth());
    }

    @Test
    void layerStatsReportRealisedSparsityAndNorms() {
        Linear dense = new Linear(ctx, "dense", 4, 3, true);
        Linear masked = new Linear(ctx, "masked", 5, 4, true);
        Linear compact = new Linear(ctx, "compact", 10, 10, true);
        Module m = new Module("critic", ctx, AdamW.of(1e-3f, 0), 0,
                List.of(new Network("a", dense), new Network("b", masked), new Network("c", compact)));
        m.initialise(3);
        sparsify(masked, 12);
        sparsify(compact, 9);
        dense.weight().value().copyFrom(new float[] {3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        List<LayerStats> stats = Diagnostics.layers(m);
        assertEquals(new LayerStats("a/dense", "DENSE", 3, 4, 12, 12, 5.0), stats.get(0));
        assertEquals(12, stats.get(1).realisedActive());
        assertEquals("MASKED", stats.get(1).layout());
        assertEquals(0.4, stats.get(1).realisedSparsity(), 1e-12);
        assertEquals(9, stats.get(2).realisedActive());
        assertEquals("COMPACT", stats.get(2).layout());
        assertTrue(stats.stream().allMatch(LayerStats::consistent));
        assertTrue(Diagnostics.weightNorm(m) > 5.0);
    }

    private void sparsify(Linear l, int k) {
        DenseView view = l.weight().openView();
        backend.topology().randomMask(view.mask(), k, 1, 2);
        backend.topology().applyMaskChange(view.mask(), view.mask(), view.values(), view.m(), view.v());
        l.weight().closeView(view, k);
    }

    @Test
    void gradientNormCoversTheFreshGradients() {
        Linear l = new Linear(ctx, "l", 2, 1, true);
        Module m = new Module("m", ctx, AdamW.of(1e-3f, 0), 0, List.of(new Network("n", l)));
        assertEquals(0.0, Diagnostics.gradientNorm(m));
        l.weight().value().copyFrom(new float[] {1, 1});
        Network n = m.networks().getFirst();
        n.forward(arena.f32(1, 2, new float[] {3, 4}));
        n.backward(arena.f32(1, 1, new float[] {2}), false);
        // dW = (6, 8), db = 2.
        assertEquals(Math.sqrt(104), Diagnostics.gradientNorm(m), 1e-5);
    }

    @Test
    void moduleReportCarriesTheLatestTopologyChanges() {
        Linear l = new Linear(ctx, "l", 20, 20, true);
        Module m = new Module("critic", ctx, AdamW.of(1e-3f, 0), 0, List.of(new Network("n", l)));
        SparseModule sm = SparseModule.create(m, new RegimeConfig.Set(0.5, 1, 0.3, 0.8), 10, 4);
        assertEquals(null, ModuleReport.of(sm).lastTopologyUpdate());
        sm.step(DenseGradients.NONE);
        ModuleReport r = ModuleReport.of(sm);
        // k = ⌊0.15 (1 + cos(π/8)) · 200⌋ = 57 pruned and grown; the count stays 200.
        assertEquals(57, r.lastTopologyUpdate().totalPruned());
        assertEquals(57, r.lastTopologyUpdate().totalGrown());
        assertEquals(200, r.layers().getFirst().realisedActive());
        assertEquals("set", r.regime());
        assertEquals(1, r.step());
    }
}
