package dev.topiary.rl.simba;

import dev.topiary.backend.AdamW;
import dev.topiary.backend.Backend;
import dev.topiary.backend.SparseWeight.Layout;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import dev.topiary.backend.cpu.CpuBackend;
import dev.topiary.nn.DenseGradients;
import dev.topiary.nn.LayerContext;
import dev.topiary.nn.Module;
import dev.topiary.nn.Network;
import dev.topiary.nn.Parameter;
import dev.topiary.nn.WeightParameter;
import dev.topiary.sparse.RegimeConfig;
import dev.topiary.sparse.SparseModule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Polyak target on a tiny two-head SimBa critic trained for real steps: every parameter follows
 * θ̄ ← τθ + (1 − τ)θ̄ exactly (bit for bit as the CPU backend rounds it, a product then a fused multiply-add, and within
 * two ulps of float64), and under RigL the target's mask equals the online one after every update, with dropped entries
 * gone, grown ones at zero and kept ones averaged exactly, in both MASKED and COMPACT layouts.
 */
class SimbaPolyakTargetTest {
    private static final int BATCH = 8;
    private final CpuBackend backend = new CpuBackend(2);
    private final TensorArena arena = backend.newArena();
    private final LayerContext ctx = LayerContext.of(backend, arena);

    @AfterEach
    void close() {
        arena.close();
        backend.close();
    }

    private Module critic(String name) {
        return SimbaModules.critic(ctx, name, 3, 1, 16, 1, 2, AdamW.of(1e-2f, 1e-2f));
    }

    /** One MSE step of both heads on a random batch drawn from {@code stream}. */
    private static boolean step(Backend b, SparseModule critic, Tensor x, Tensor y, Tensor loss, Tensor dq,
                                long stream) {
        b.random().normal(x, 0f, 1f, 11, stream);
        b.random().normal(y, 0f, 1f, 12, stream);
        Network q1 = critic.module().network("q1");
        Network q2 = critic.module().network("q2");
        for (Network q : List.of(q1, q2)) {
            b.losses().mse(q.forward(x), y, null, loss, dq);
            q.backward(dq, false);
        }
        return critic.step(DenseGradients.of(q1.pass(BATCH), q2.pass(BATCH))).isPresent();
    }

    private static float[] values(Parameter p) {
        if (p instanceof WeightParameter w) {
            return canonical(w).values;
        }
        return p.value().toFloats();
    }

    private record Canonical(float[] values, byte[] mask) {
    }

    private static Canonical canonical(WeightParameter w) {
        int n = w.rows() * w.cols();
        float[] v = new float[n];
        byte[] mask = new byte[n];
        w.exportCanonical(v, mask, new float[n], new float[n]);
        return new Canonical(v, mask);
    }

    private static List<Parameter> params(Module m) {
        List<Parameter> ps = new ArrayList<>();
        for (Network n : m.networks()) {
            ps.addAll(n.parameters());
        }
        return ps;
    }

    @Test
    void denseTargetFollowsThePolyakFormulaExactly() {
        float tau = 0.005f;
        SparseModule online = SparseModule.create(critic("critic"), RegimeConfig.dense(), 10, 3);
        PolyakTarget target = new PolyakTarget(online.module(), critic("critic_target"), tau);
        Tensor x = arena.f32(BATCH, 4);
        Tensor y = arena.f32(BATCH, 1);
        Tensor loss = arena.f32(1, 1);
        Tensor dq = arena.f32(BATCH, 1);
        List<Parameter> on = params(online.module());
        List<Parameter> tg = params(target.target());
        for (int i = 0; i < on.size(); i++) {
            assertArrayEquals(values(on.get(i)), values(tg.get(i)), "the target starts as a copy");
        }
        for (long t = 0; t < 3; t++) {
            step(backend, online, x, y, loss, dq, t);
            List<float[]> before = tg.stream().map(SimbaPolyakTargetTest::values).toList();
            target.update(false);
            float oneMinusTau = (float) (1.0 - tau);
            for (int i = 0; i < on.size(); i++) {
                float[] theta = values(on.get(i));
                float[] old = before.get(i);
                float[] now = values(tg.get(i));
                boolean moved = false;
                for (int j = 0; j < theta.length; j++) {
                    String at = tg.get(i).name() + "[" + j + "] at update " + t;
                    assertEquals(Math.fma(theta[j], tau, old[j] * oneMinusTau), now[j], 0f, at);
                    double exact = (double) tau * theta[j] + (1.0 - tau) * old[j];
                    assertEquals(exact, now[j], 2 * Math.ulp((float) exact), at + " against float64 (two roundings)");
                    moved |= theta[j] != old[j];
                }
                assertTrue(moved || t > 0, tg.get(i).name() + ": the online step changed nothing to average");
            }
        }
    }

    @Test
    void sparseTargetKeepsTheOnlineMasksThroughRigLUpdates() {
        float tau = 0.25f;
        SparseModule online = SparseModule.create(critic("critic"), new RegimeConfig.RigL(0.8, 1, 0.5, 0.8), 20,
                5);
        PolyakTarget target = new PolyakTarget(online.module(), critic("critic_target"), tau);
        Tensor x = arena.f32(BATCH, 4);
        Tensor y = arena.f32(BATCH, 1);
        Tensor loss = arena.f32(1, 1);
        Tensor dq = arena.f32(BATCH, 1);
        List<WeightParameter> on = new ArrayList<>();
        List<WeightParameter> tg = new ArrayList<>();
        for (Parameter p : params(online.module())) {
            if (p instanceof WeightParameter w) {
                on.add(w);
            }
        }
        for (Parameter p : params(target.target())) {
            if (p instanceof WeightParameter w) {
                tg.add(w);
            }
        }
        Set<Layout> layouts = new HashSet<>();
        int rewired = 0;
        int maskChanges = 0;
        float oneMinusTau = (float) (1.0 - tau);
        for (long t = 0; t < 10; t++) {
            List<Canonical> onBefore = on.stream().map(SimbaPolyakTargetTest::canonical).toList();
            List<Canonical> before = tg.stream().map(SimbaPolyakTargetTest::canonical).toList();
            boolean changed = step(backend, online, x, y, loss, dq, t);
            rewired += changed ? 1 : 0;
            target.update(changed);
            for (int i = 0; i < on.size(); i++) {
                String at = on.get(i).name() + " at update " + t;
                Canonical o = canonical(on.get(i));
                Canonical g = canonical(tg.get(i));
                layouts.add(on.get(i).layout());
                assertEquals(on.get(i).layout(), tg.get(i).layout(), at + ": layout");
                assertArrayEquals(o.mask, g.mask, at + ": the target's mask must equal the online mask");
                maskChanges += Arrays.equals(o.mask, onBefore.get(i).mask) ? 0 : 1;
                float[] old = before.get(i).values;
                for (int j = 0; j < o.values.length; j++) {
                    float want = o.mask[j] == 0 ? 0f : Math.fma(o.values[j], tau, old[j] * oneMinusTau);
                    assertEquals(want, g.values[j], 0f, at + ", entry " + j);
                }
            }
        }
        assertTrue(rewired > 0 && maskChanges > 0, "RigL must have changed masks (updates " + rewired
                + ", layer mask changes " + maskChanges + ")");
        assertTrue(layouts.containsAll(Set.of(Layout.MASKED, Layout.COMPACT)), "layouts seen: " + layouts);
    }
}
