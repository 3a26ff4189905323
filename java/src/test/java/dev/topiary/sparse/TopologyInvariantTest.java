package dev.topiary.sparse;

import dev.topiary.backend.Backend;
import dev.topiary.backend.Parity;
import dev.topiary.backend.SparseWeight.Layout;
import dev.topiary.diag.Diagnostics;
import dev.topiary.nn.TestBackends;
import dev.topiary.diag.LayerStats;
import dev.topiary.nn.WeightParameter;
import dev.topiary.sparse.Trainer.Canonical;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongToIntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Over many topology updates driven by real training steps: every layer holds exactly the scheduled number of
 * active entries (in its bookkeeping, its storage and its mask), inactive weights and moments stay exactly zero
 * through AdamW with weight decay, and newly grown connections start at zero with zero moments.
 */
class TopologyInvariantTest {
    private static final long T = 60;
    private final Backend backend = TestBackends.cpu();
    private final long seed = Parity.freshSeed();

    /** The expected active count of every layer at step t, computed here from the formulas. */
    private interface Expected {
        int count(int layer, long t);
    }

    private static List<int[]> shapes() {
        return List.of(new int[] {Trainer.HIDDEN, Trainer.IN}, new int[] {Trainer.HIDDEN, Trainer.HIDDEN},
                new int[] {Trainer.OUT, Trainer.HIDDEN});
    }

    private static Expected constant(double sparsity) {
        int[] k = ErdosRenyi.activeCounts(shapes(), sparsity);
        return (l, t) -> k[l];
    }

    private static int entries(int l) {
        return shapes().get(l)[0] * shapes().get(l)[1];
    }

    @Test
    void rigLKeepsExactCountsInCompactLayers() {
        run(new RegimeConfig.RigL(0.8, 2, 0.3, 0.8), constant(0.8), Set.of(Layout.COMPACT));
    }

    @Test
    void rigLKeepsExactCountsInMaskedLayers() {
        run(new RegimeConfig.RigL(0.5, 1, 0.5, 0.8), constant(0.5), Set.of(Layout.MASKED));
    }

    @Test
    void setKeepsExactCounts() {
        run(new RegimeConfig.Set(0.75, 1, 0.3, 0.8), constant(0.75), Set.of(Layout.COMPACT, Layout.MASKED));
    }

    @Test
    void staticMaskNeverChanges() {
        run(RegimeConfig.staticSparse(0.7), constant(0.7), Set.of(Layout.COMPACT, Layout.MASKED));
    }

    @Test
    void gmpFollowsTheCubicScheduleAcrossLayouts() {
        double[] d = ErdosRenyi.densities(shapes(), 0.85);
        long t0 = 12;
        long t1 = 48;
        // Updates run at multiples of ΔT = 5 inside [t0, t1], and at t1; before the first, every layer is dense.
        Expected e = (l, t) -> {
            long last = t >= t1 ? t1 : t / 5 * 5;
            double r = last < t0 ? 1 : Math.pow(1 - (double) (last - t0) / (t1 - t0), 3);
            return (int) Math.round((d[l] + (1 - d[l]) * r) * entries(l));
        };
        run(new RegimeConfig.Gmp(0.85, 5, 0.2, 0.8), e, Set.of(Layout.MASKED, Layout.COMPACT));
    }

    @Test
    void sparseToDenseGrowsToDenseAtTEnd() {
        double[] d = ErdosRenyi.densities(shapes(), 0.8);
        long tEnd = 48;
        Expected e = (l, t) -> {
            long last = t >= tEnd ? tEnd : t / 5 * 5;
            double c = last >= tEnd ? 0 : (1 + Math.cos(Math.PI * last / tEnd)) / 2;
            return (int) Math.round((d[l] + (1 - d[l]) * (1 - c)) * entries(l));
        };
        run(new RegimeConfig.SparseToDense(0.8, 5, 0.8), e, Set.of(Layout.COMPACT, Layout.MASKED));
    }

    private void run(RegimeConfig config, Expected expected, Set<Layout> layoutsToSee) {
        try (Trainer tr = new Trainer(backend, config, T, seed)) {
            Set<Layout> seen = new HashSet<>();
            checkAll(tr, expected, 0, null, seen);
            int updates = 0;
            for (long t = 1; t <= T; t++) {
                List<Canonical> before = snapshot(tr);
                Optional<TopologyReport> report = tr.step();
                updates += report.isPresent() ? 1 : 0;
                checkAll(tr, expected, t, report.isPresent() ? before : null, seen);
            }
            assertTrue(seen.containsAll(layoutsToSee), "layouts seen " + seen + ", expected " + layoutsToSee);
            assertEquals(config instanceof RegimeConfig.StaticSparse, updates == 0, "updates: " + updates);
        }
    }

    private static List<Canonical> snapshot(Trainer tr) {
        List<Canonical> list = new ArrayList<>();
        for (WeightParameter w : tr.weights()) {
            list.add(Trainer.canonical(w));
        }
        return list;
    }

    private void checkAll(Trainer tr, Expected expected, long t, List<Canonical> before, Set<Layout> seen) {
        List<WeightParameter> weights = tr.weights();
        List<LayerStats> stats = Diagnostics.layers(tr.module);
        for (int l = 0; l < weights.size(); l++) {
            WeightParameter w = weights.get(l);
            String at = "seed " + seed + ", step " + t + ", layer " + l + " (" + w.layout() + ")";
            seen.add(w.layout());
            Canonical c = Trainer.canonical(w);
            int want = expected.count(l, t);
            if (want == entries(l) && w.layout() == Layout.DENSE) {
                continue;
            }
            assertEquals(want, w.nnz(), at + ": recorded active count");
            assertEquals(want, c.active(), at + ": set mask entries");
            assertEquals(want, stats.get(l).realisedActive(), at + ": entries in storage");
            for (int i = 0; i < c.mask().length; i++) {
                if (c.mask()[i] == 0 && (c.values()[i] != 0 || c.m()[i] != 0 || c.v()[i] != 0)) {
                    fail(at + ": inactive entry " + i + " is not exactly zero");
                }
                if (before != null && c.mask()[i] == 1 && before.get(l).mask()[i] == 0
                        && (c.values()[i] != 0 || c.m()[i] != 0 || c.v()[i] != 0)) {
                    fail(at + ": grown entry " + i + " does not start at zero");
                }
            }
        }
    }
}
