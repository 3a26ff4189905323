package dev.topiary.nn;

import dev.topiary.backend.AdamW;
import dev.topiary.backend.Backend;
import dev.topiary.backend.Parity;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-module AdamW, global-norm clipping, gradient accumulation and freezing, and MR.Q's initialisation. */
class OptimizerTest {
    private final Backend backend = Parity.reference();
    private final TensorArena arena = backend.newArena();
    private final LayerContext ctx = LayerContext.of(backend, arena);

    @AfterEach
    void close() {
        arena.close();
    }

    private Linear linear(int in, int out, float[] w) {
        Linear l = new Linear(ctx, "l", in, out, true);
        l.weight().value().copyFrom(w);
        return l;
    }

    @Test
    void eachModuleStepsWithItsOwnLearningRateAndDecay() {
        Linear a = linear(1, 1, new float[] {1f});
        Linear b = linear(1, 1, new float[] {1f});
        Module ma = new Module("a", ctx, AdamW.of(0.1f, 0.5f), 0, List.of(new Network("n", a)));
        Module mb = new Module("b", ctx, AdamW.of(0.01f, 0f), 0, List.of(new Network("n", b)));
        for (Module m : List.of(ma, mb)) {
            Linear l = m.linears().getFirst();
            Network n = m.networks().getFirst();
            n.forward(arena.f32(1, 1, new float[] {2f}));
            n.backward(arena.f32(1, 1, new float[] {3f}), false);
            assertTrue(l.weight().hasGrad());
            m.step();
            assertFalse(l.weight().hasGrad());
            assertEquals(1, m.steps());
        }
        // First Adam step moves by lr · sign(g) (m̂/√v̂ = 1), after decoupled decay θ(1 − lr·λ).
        assertEquals(1 * (1 - 0.1 * 0.5) - 0.1, a.weight().value().scalar(), 1e-6);
        assertEquals(1 - 0.01, b.weight().value().scalar(), 1e-6);
    }

    @Test
    void clippingScalesEveryGradientByTheGlobalNorm() {
        Linear l = linear(2, 1, new float[] {0f, 0f});
        Module m = new Module("value", ctx, AdamW.of(1e-3f, 0f), 2f, List.of(new Network("n", l)));
        Network n = m.networks().getFirst();
        n.forward(arena.f32(1, 2, new float[] {3f, 4f}));
        n.backward(arena.f32(1, 1, new float[] {2f}), false);
        m.step();
        // dW = (6, 8) and db = 2: global norm √104, scaled by 2 / (√104 + 1e-6) in place before the AdamW step.
        double scale = 2 / (Math.sqrt(104) + 1e-6);
        assertEquals(104, m.optimizer().lastGradSumOfSquares().scalar(), 1e-9);
        assertArrayEquals(new double[] {6 * scale, 8 * scale}, l.weight().grad().toDoubles(), 1e-12);
        assertArrayEquals(new double[] {2 * scale}, l.bias().grad().toDoubles(), 1e-12);
    }

    @Test
    void twoPassesOfOneLayerAccumulateTheirGradients() {
        Linear l = linear(2, 2, new float[] {1f, 2f, 3f, 4f});
        Network n = new Network("n", l);
        Tensor x1 = arena.f32(1, 2, new float[] {1f, 0f});
        Tensor x2 = arena.f32(1, 2, new float[] {0f, 1f});
        Tensor dy = arena.f32(1, 2, new float[] {1f, 10f});
        Pass p1 = n.newPass(1);
        Pass p2 = n.newPass(1);
        p1.forward(x1);
        p2.forward(x2);
        p1.backward(dy, false);
        p2.backward(dy, false);
        // dW = dyᵀ x1 + dyᵀ x2 = [[1, 1], [10, 10]]; db = 2 dy.
        assertArrayEquals(new double[] {1, 1, 10, 10}, l.weight().grad().toDoubles(), 0);
        assertArrayEquals(new double[] {2, 20}, l.bias().grad().toDoubles(), 0);
        Tensor g = arena.f32(2, 2);
        DenseGradients.of(p1, p2).write(l, g);
        assertArrayEquals(new double[] {1, 1, 10, 10}, g.toDoubles(), 0);
    }

    @Test
    void affineLayerNormAccumulatesOverPasses() {
        LayerNorm ln = new LayerNorm(ctx, "ln", 3, true);
        Tensor x1 = arena.f32(2, 3, new float[] {1, 2, 4, -1, 0, 3});
        Tensor x2 = arena.f32(2, 3, new float[] {0, 5, 1, 2, 2, -3});
        Tensor dy = arena.f32(2, 3, new float[] {1, -2, 0.5f, 3, 1, -1});
        double[][] alone = new double[2][];
        double[][] aloneBeta = new double[2][];
        Tensor[] xs = {x1, x2};
        for (int i = 0; i < 2; i++) {
            Pass p = ln.newPass(2);
            p.forward(xs[i]);
            ln.gamma().clearGrad();
            ln.beta().clearGrad();
            p.backward(dy, false);
            alone[i] = ln.gamma().grad().toDoubles();
            aloneBeta[i] = ln.beta().grad().toDoubles();
        }
        ln.gamma().clearGrad();
        ln.beta().clearGrad();
        Pass p1 = ln.newPass(2);
        Pass p2 = ln.newPass(2);
        p1.forward(x1);
        p2.forward(x2);
        p1.backward(dy, false);
        p2.backward(dy, false);
        double[] g = ln.gamma().grad().toDoubles();
        double[] b = ln.beta().grad().toDoubles();
        for (int j = 0; j < 3; j++) {
            assertEquals(alone[0][j] + alone[1][j], g[j], 1e-12);
            assertEquals(aloneBeta[0][j] + aloneBeta[1][j], b[j], 1e-12);
        }
    }

    @Test
    void frozenParametersPassGradientsThroughButGetNone() {
        Linear l = linear(2, 1, new float[] {1f, 2f});
        Network n = new Network("n", l);
        n.setTrainable(false);
        n.forward(arena.f32(1, 2, new float[] {1f, 1f}));
        Tensor dx = n.backward(arena.f32(1, 1, new float[] {3f}), true);
        assertArrayEquals(new double[] {3, 6}, dx.toDoubles(), 0);
        assertFalse(l.weight().hasGrad());
        assertNull(n.backward(arena.f32(1, 1, new float[] {3f}), false));
    }

    @Test
    void mrqInitialisationIsXavierUniformWithGainRootTwoAndZeroBiases() {
        Backend cpu = TestBackends.cpu();
        try (TensorArena cpuArena = cpu.newArena()) {
            Linear onCpu = new Linear(LayerContext.of(cpu, cpuArena), "l", 300, 200, true);
            Linear onRef = new Linear(ctx, "l", 300, 200, true);
            Init.mrq(List.of(onCpu), 5);
            Init.mrq(List.of(onRef), 5);
            double bound = Math.sqrt(2) * Math.sqrt(6.0 / 500);
            float[] w = onCpu.weight().value().toFloats();
            double sumSq = 0;
            for (float v : w) {
                assertTrue(Math.abs(v) <= bound);
                sumSq += v * v;
            }
            // Uniform on ±a has variance a²/3 = gain² · 2 / (fanIn + fanOut).
            assertEquals(2.0 * 2 / 500, sumSq / w.length, 2e-4);
            assertArrayEquals(w, onRef.weight().value().toFloats(), "every backend draws the same network");
            assertArrayEquals(new double[200], onCpu.bias().value().toDoubles());
        }
    }
}
