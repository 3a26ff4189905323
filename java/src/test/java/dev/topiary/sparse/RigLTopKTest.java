package dev.topiary.sparse;

import dev.topiary.backend.AdamW;
import dev.topiary.backend.Backend;
import dev.topiary.backend.Parity;
import dev.topiary.backend.TensorArena;
import dev.topiary.nn.DenseView;
import dev.topiary.nn.LayerContext;
import dev.topiary.nn.Linear;
import dev.topiary.nn.Module;
import dev.topiary.nn.Network;
import dev.topiary.nn.WeightParameter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RigL on a hand-computed 3 × 4 case: drop the k smallest |W|, grow the k largest |G| among the inactive entries
 * (just-dropped ones included), new connections at zero with zero moments, on every backend.
 */
class RigLTopKTest {
    // Active: (0,0) (0,2) (1,1) (1,3) (2,0) (2,3); smallest magnitudes (1,3) = −0.05 and (0,2) = −0.1.
    private static final float[] W = {
        0.9f, 0, -0.1f, 0,
        0, 0.5f, 0, -0.05f,
        0.3f, 0, 0, 0.7f};
    private static final byte[] MASK = {1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1};
    // After the drop the inactive scores are 0.2, 5.0 (dropped), 0.1, −3.0, 0.4, 1.0 (dropped), 2.0, 0.6:
    // the two largest magnitudes are (0,2) and (1,0).
    private static final float[] G = {
        0, 0.2f, 5.0f, 0.1f,
        -3.0f, 9.0f, 0.4f, 1.0f,
        0, 2.0f, 0.6f, 8.0f};
    private static final byte[] EXPECTED_MASK = {1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1};
    // (0,2) was dropped and regrown: it keeps −0.1 and its moments; (1,0) is new: zero; (1,3) is gone.
    private static final float[] EXPECTED_W = {
        0.9f, 0, -0.1f, 0,
        0, 0.5f, 0, 0,
        0.3f, 0, 0, 0.7f};

    private static List<Backend> backends() {
        List<Backend> all = new ArrayList<>(Parity.candidates());
        all.add(Parity.reference());
        return all;
    }

    @Test
    void rigLPicksExactlyTheTopK() {
        for (Backend b : backends()) {
            try (TensorArena arena = b.newArena()) {
                LayerContext ctx = LayerContext.of(b, arena);
                Linear layer = new Linear(ctx, "linear", 4, 3, true);
                Module module = new Module("critic", ctx, AdamW.of(1e-3f, 0), 0,
                        List.of(new Network("net", layer)));
                // T = 40, T_end = 40, α = 0.5: at t = 10, k = ⌊0.25 (1 + cos(π/4)) · 6⌋ = ⌊2.56⌋ = 2.
                Regime rigl = new RegimeConfig.RigL(0.5, 10, 0.5, 1.0).create(module, 40, 7);
                rigl.initialise();
                assertEquals(6, layer.weight().nnz());
                handSet(layer.weight());
                assertTrue(rigl.updateDue(10));
                TopologyReport report = rigl.update(10, (l, g) -> g.copyFrom(G));
                check(b.name(), layer.weight(), report);
            }
        }
    }

    private static void handSet(WeightParameter w) {
        DenseView view = w.openView();
        view.values().copyFrom(W);
        view.mask().copyFrom(MASK);
        float[] moments = new float[12];
        for (int i = 0; i < 12; i++) {
            moments[i] = MASK[i] * (i + 1) / 100f;
        }
        view.m().copyFrom(moments);
        view.v().copyFrom(moments);
        w.closeView(view, 6);
    }

    private static void check(String backend, WeightParameter w, TopologyReport report) {
        float[] values = new float[12];
        byte[] mask = new byte[12];
        float[] m = new float[12];
        float[] v = new float[12];
        w.exportCanonical(values, mask, m, v);
        assertArrayEquals(EXPECTED_MASK, mask, backend);
        assertArrayEquals(EXPECTED_W, values, backend);
        assertEquals(3 / 100f, m[2], backend + ": the regrown entry keeps its moments");
        assertEquals(0f, m[4], backend + ": the new entry starts with zero moments");
        assertEquals(0f, v[4], backend);
        assertEquals(0f, m[7], backend + ": the dropped entry loses its moments");
        assertEquals(6, w.nnz());
        TopologyReport.LayerChange c = report.layers().getFirst();
        assertEquals("net/linear", c.layer());
        assertEquals(6, c.nnzBefore());
        assertEquals(2, c.pruned());
        assertEquals(2, c.grown());
        assertEquals(6, c.nnzAfter());
    }
}
