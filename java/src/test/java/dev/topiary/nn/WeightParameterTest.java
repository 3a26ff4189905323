package dev.topiary.nn;

import dev.topiary.backend.Backend;
import dev.topiary.backend.SparseWeight.Layout;
import dev.topiary.backend.TensorArena;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Layout changes (MASKED ↔ COMPACT by the backend's crossover) keep values, mask and moments exactly. */
class WeightParameterTest {
    private final Backend backend = TestBackends.cpu();

    private record Host(float[] values, byte[] mask, float[] m, float[] v) {
        static Host of(WeightParameter w) {
            int n = (int) w.count();
            Host h = new Host(new float[n], new byte[n], new float[n], new float[n]);
            w.exportCanonical(h.values, h.mask, h.m, h.v);
            return h;
        }
    }

    /** Sets a random mask of k entries and random values and moments on the active entries. */
    private static Host randomise(WeightParameter w, int k, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = (int) w.count();
        Host h = new Host(new float[n], new byte[n], new float[n], new float[n]);
        for (int placed = 0; placed < k; ) {
            int i = r.nextInt(n);
            if (h.mask[i] == 0) {
                h.mask[i] = 1;
                h.values[i] = (float) r.nextGaussian();
                h.m[i] = (float) r.nextGaussian();
                h.v[i] = (float) r.nextDouble();
                placed++;
            }
        }
        w.importCanonical(h.values, h.mask, h.m, h.v, k);
        return h;
    }

    private static void assertSame(Host expected, Host actual) {
        assertArrayEquals(expected.values, actual.values);
        assertArrayEquals(expected.mask, actual.mask);
        assertArrayEquals(expected.m, actual.m);
        assertArrayEquals(expected.v, actual.v);
    }

    @Test
    void layoutFollowsDensityAndRoundTripsExactly() {
        try (TensorArena arena = backend.newArena()) {
            WeightParameter w = new WeightParameter(LayerContext.of(backend, arena), "w", 20, 30);
            assertEquals(Layout.DENSE, w.layout());
            assertEquals(600, w.nnz());
            Host sparse = randomise(w, 60, 1);
            assertEquals(Layout.COMPACT, w.layout());
            assertSame(sparse, Host.of(w));
            Host denser = randomise(w, 400, 2);
            assertEquals(Layout.MASKED, w.layout());
            assertSame(denser, Host.of(w));
            DenseView view = w.openView();
            w.closeView(view, 400);
            assertSame(denser, Host.of(w));
            Host again = randomise(w, 100, 3);
            assertEquals(Layout.COMPACT, w.layout());
            assertSame(again, Host.of(w));
            assertEquals(100, w.nnz());
        }
    }

    @Test
    void targetCopiesTakeConnectivityAndValuesButNotMoments() {
        try (TensorArena arena = backend.newArena()) {
            LayerContext ctx = LayerContext.of(backend, arena);
            WeightParameter online = new WeightParameter(ctx, "w", 10, 12);
            WeightParameter target = new WeightParameter(ctx, "w", 10, 12);
            for (int k : new int[] {20, 90, 120}) {
                Host h = randomise(online, k, k);
                target.copyWeightsFrom(online);
                Host t = Host.of(target);
                assertEquals(online.layout(), target.layout());
                assertArrayEquals(h.values, t.values);
                assertArrayEquals(h.mask, t.mask);
                assertEquals(k, target.nnz());
            }
        }
    }
}
