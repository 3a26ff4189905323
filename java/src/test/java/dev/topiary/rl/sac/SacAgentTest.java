package dev.topiary.rl.sac;

import dev.topiary.backend.cpu.CpuBackend;
import dev.topiary.rl.AgentSnapshot;
import dev.topiary.rl.simba.SimbaAgentFixture;
import dev.topiary.rl.simba.SimbaAgentFixture.Transition;
import dev.topiary.sparse.RegimeConfig;
import dev.topiary.sparse.RegimePlan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SAC on a tiny configuration (width ×1/16, batch 32, RigL on the critic every 10 module steps): UTD 2 counts two
 * module steps per training call, the target critic's masks follow the online critic through RigL updates, the same
 * seed gives bit-identical actions and another seed different ones, and a saved and reloaded agent continues
 * bit-identically (actions, modules, replay).
 */
class SacAgentTest {
    private static final int STEPS = 240;
    private static final int WARMUP = 40;
    private final CpuBackend backend = new CpuBackend(2);
    private final List<Transition> data = SimbaAgentFixture.pendulum(STEPS, 5);

    @AfterEach
    void close() {
        backend.close();
    }

    private SacAgent agent(long seed) {
        SacHyperParameters hp = SacHyperParameters.defaults().withWidthMultiplier(0.0625).withBatchSize(32);
        RegimePlan plan = new RegimePlan("test", RegimeConfig.dense(), new RegimeConfig.RigL(0.6, 10, 0.3, 0.8),
                RegimeConfig.staticSparse(0.6));
        return new SacAgent(backend, SimbaAgentFixture.obsDim(), SimbaAgentFixture.codec(), hp, plan,
                STEPS - WARMUP, STEPS + 10, seed);
    }

    @Test
    void twoUpdatesPerCallAndTheTargetKeepsTheCriticsMasks() {
        try (SacAgent a = agent(3)) {
            var net = a.networks();
            List<byte[]> initial = SimbaAgentFixture.masks(net.critic().module());
            SimbaAgentFixture.feed(a, data, 0, 120, WARMUP);
            assertEquals(80, a.trainCalls());
            assertEquals(160, net.critic().module().steps(), "UTD 2: two critic steps per training call");
            assertEquals(160, net.actor().module().steps(), "UTD 2: two actor steps per training call");
            List<byte[]> online = SimbaAgentFixture.masks(net.critic().module());
            List<byte[]> target = SimbaAgentFixture.masks(net.criticTarget().target());
            boolean changed = false;
            for (int i = 0; i < online.size(); i++) {
                assertArrayEquals(online.get(i), target.get(i), "layer " + i + ": target mask ≠ online mask");
                changed |= !java.util.Arrays.equals(initial.get(i), online.get(i));
            }
            assertTrue(changed, "RigL never changed the critic's masks");
            var m = a.metrics();
            // Weights only: at this tiny width the dense biases and LayerNorm parameters weigh in the module totals.
            assertEquals(0.4, weightDensity(online), 0.01, "critic weights at sparsity 0.6");
            assertEquals(0.4, weightDensity(SimbaAgentFixture.masks(net.actor().module())), 0.01,
                    "actor weights at sparsity 0.6");
            assertTrue(m.get("density/critic") < 0.5 && m.get("density/actor") < 0.6, m.toString());
            assertTrue(Double.isFinite(m.get("loss/critic")) && Double.isFinite(m.get("loss/actor")), m.toString());
            assertNotEquals(0.01, m.get("temperature"), 1e-6, "the temperature is learnt");
        }
    }

    private static double weightDensity(List<byte[]> masks) {
        long on = 0;
        long all = 0;
        for (byte[] mask : masks) {
            for (byte x : mask) {
                on += x;
            }
            all += mask.length;
        }
        return on / (double) all;
    }

    @Test
    void theSameSeedActsIdenticallyAndAnotherSeedDoesNot() {
        try (SacAgent a = agent(3); SacAgent b = agent(3); SacAgent c = agent(4)) {
            List<double[]> xa = SimbaAgentFixture.feed(a, data, 0, 100, WARMUP);
            List<double[]> xb = SimbaAgentFixture.feed(b, data, 0, 100, WARMUP);
            List<double[]> xc = SimbaAgentFixture.feed(c, data, 0, 100, WARMUP);
            boolean differs = false;
            for (int i = 0; i < xa.size(); i++) {
                assertArrayEquals(xa.get(i), xb.get(i), 0.0, "action " + i);
                differs |= !java.util.Arrays.equals(xa.get(i), xc.get(i));
            }
            assertTrue(differs, "seeds 3 and 4 acted identically");
            assertEquals(a.metrics(), b.metrics());
        }
    }

    @Test
    void aReloadedAgentContinuesBitIdentically(@TempDir Path tmp) throws IOException {
        try (SacAgent a = agent(3); SacAgent b = agent(3)) {
            SimbaAgentFixture.feed(a, data, 0, 130, WARMUP);
            a.save(tmp.resolve("mid"));
            List<double[]> xa = SimbaAgentFixture.feed(a, data, 130, STEPS, WARMUP);
            a.save(tmp.resolve("a"));
            b.load(tmp.resolve("mid"));
            assertEquals(a.trainCalls() - (STEPS - 130), b.trainCalls());
            List<double[]> xb = SimbaAgentFixture.feed(b, data, 130, STEPS, WARMUP);
            b.save(tmp.resolve("b"));
            for (int i = 0; i < xa.size(); i++) {
                assertArrayEquals(xa.get(i), xb.get(i), 0.0, "action " + i + " after the reload");
            }
            for (String f : List.of(AgentSnapshot.MODULES, AgentSnapshot.REPLAY)) {
                assertArrayEquals(Files.readAllBytes(tmp.resolve("a").resolve(f)),
                        Files.readAllBytes(tmp.resolve("b").resolve(f)), f + " differs after the reload");
            }
            assertEquals(a.metrics(), b.metrics());
        }
    }

    @Test
    void discreteActionsAndOtherAgentsCheckpointsAreRefused(@TempDir Path tmp) {
        var cartPole = new dev.topiary.rl.ActionCodec(dev.topiary.env.EnvRegistry.make("CartPole-v1").actionSpace());
        assertThrows(IllegalArgumentException.class, () -> new SacAgent(backend, 4, cartPole,
                SacHyperParameters.defaults(), RegimePlan.mst(), 10, 100, 1));
        try (SacAgent a = agent(3)) {
            SimbaAgentFixture.feed(a, data, 0, 10, WARMUP);
            a.save(tmp.resolve("s"));
            try (var d = new dev.topiary.rl.ddpg.DdpgAgent(backend, SimbaAgentFixture.obsDim(),
                    SimbaAgentFixture.codec(), dev.topiary.rl.ddpg.DdpgHyperParameters.defaults()
                    .withWidthMultiplier(0.0625).withBatchSize(32), RegimePlan.mst(), 10, STEPS + 10, 3)) {
                assertThrows(RuntimeException.class, () -> d.load(tmp.resolve("s")));
            }
        }
    }
}
