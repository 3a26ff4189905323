package dev.topiary.nn;

import dev.topiary.backend.AdamW;
import dev.topiary.backend.Backend;
import dev.topiary.backend.Parity;
import dev.topiary.backend.SparseWeight.Layout;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The same network code on every backend: a Type-6 MLP with dense, masked and compact layers gives the reference's
 * outputs and gradients on the CPU backend, and CPU training is bit-identical on one and two threads.
 */
class NetworkParityTest {
    private static final int BATCH = 9;
    private final long seed = Parity.freshSeed();

    /** Outputs, input gradient and every parameter gradient after one forward and backward, in float64. */
    private List<double[]> run(Backend b, int steps) {
        try (TensorArena arena = b.newArena()) {
            LayerContext ctx = LayerContext.of(b, arena);
            Network n = Mlp.builder().type(ArchType.TYPE_6).input(13).hidden(40).depth(3).output(7).build(ctx, "n");
            Module m = new Module("m", ctx, AdamW.of(1e-2f, 1e-2f), 1f, List.of(n));
            mask(b, n.linears().get(1), 160);
            mask(b, n.linears().get(2), 1000);
            m.initialise(seed);
            assertEquals(Layout.COMPACT, n.linears().get(1).weight().layout());
            assertEquals(Layout.MASKED, n.linears().get(2).weight().layout());
            SplittableRandom r = new SplittableRandom(seed);
            Tensor x = arena.f32(BATCH, 13, Parity.uniform(r, BATCH * 13, -1, 1));
            Tensor dy = arena.f32(BATCH, 7, Parity.uniform(r, BATCH * 7, -1, 1));
            List<double[]> out = new ArrayList<>();
            for (int s = 0; s < steps; s++) {
                m.step();
                out.clear();
                out.add(n.forward(x).toDoubles());
                out.add(n.backward(dy, true).toDoubles());
                for (Parameter p : n.parameters()) {
                    out.add(p.grad().toDoubles());
                }
            }
            return out;
        }
    }

    private static void mask(Backend b, Linear l, int k) {
        DenseView view = l.weight().openView();
        b.topology().randomMask(view.mask(), k, 3, 4);
        l.weight().closeView(view, k);
    }

    @Test
    void cpuMatchesTheReference() {
        List<double[]> expected = run(Parity.reference(), 1);
        List<double[]> actual = run(TestBackends.cpu(), 1);
        for (int i = 0; i < expected.size(); i++) {
            Parity.assertClose("seed " + seed + ", tensor " + i, expected.get(i), actual.get(i), Parity.tolerance(400));
        }
    }

    @Test
    void cpuTrainingIsBitIdenticalOnOneAndTwoThreads() {
        List<double[]> one = run(TestBackends.cpu(), 6);
        List<double[]> two = run(TestBackends.cpuParallel(), 6);
        for (int i = 0; i < one.size(); i++) {
            assertArrayEquals(one.get(i), two.get(i), "seed " + seed + ", tensor " + i);
        }
    }
}
