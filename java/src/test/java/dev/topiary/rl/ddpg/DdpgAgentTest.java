package dev.topiary.rl.ddpg;

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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DDPG on a tiny configuration (width ×1/16, batch 32, RigL on the critic every 10 module steps): UTD 2 counts two
 * module steps per training call, the target critic's masks follow the online critic through RigL updates and the
 * target actor keeps the actor's static mask, exploration adds N(0, 0.1²) to tanh(π(s)) and clips, the same seed
 * gives bit-identical actions and another seed different ones, and a saved and reloaded agent continues
 * bit-identically (actions, modules, replay).
 */
class DdpgAgentTest {
    private static final int STEPS = 240;
    private static final int WARMUP = 40;
    private final CpuBackend backend = new CpuBackend(2);
    private final List<Transition> data = SimbaAgentFixture.pendulum(STEPS, 5);

    @AfterEach
    void close() {
        backend.close();
    }

    private DdpgAgent agent(long seed) {
        DdpgHyperParameters hp = DdpgHyperParameters.defaults().withWidthMultiplier(0.0625).withBatchSize(32);
        RegimePlan plan = new RegimePlan("test", RegimeConfig.dense(), new RegimeConfig.RigL(0.6, 10, 0.3, 0.8),
                RegimeConfig.staticSparse(0.6));
        return new DdpgAgent(backend, SimbaAgentFixture.obsDim(), SimbaAgentFixture.codec(), hp, plan,
                STEPS - WARMUP, STEPS + 10, seed);
    }

    @Test
    void twoUpdatesPerCallAndTheTargetKeepsTheCriticsMasks() {
        try (DdpgAgent a = agent(3)) {
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
            List<byte[]> actor = SimbaAgentFixture.masks(net.actor().module());
            List<byte[]> actorTarget = SimbaAgentFixture.masks(net.actorTarget().target());
            for (int i = 0; i < actor.size(); i++) {
                assertArrayEquals(actor.get(i), actorTarget.get(i), "actor layer " + i + ": target mask ≠ mask");
            }
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
        try (DdpgAgent a = agent(3); DdpgAgent b = agent(3); DdpgAgent c = agent(4)) {
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
        try (DdpgAgent a = agent(3); DdpgAgent b = agent(3)) {
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
    void explorationAddsGaussianNoiseOfSigmaPointOneAndClips() {
        try (DdpgAgent a = agent(3)) {
            SimbaAgentFixture.feed(a, data, 0, 60, WARMUP);
            double sum = 0;
            double sumSq = 0;
            int n = 0;
            for (int t = 0; t < 2_000; t++) {
                double[] obs = data.get(t % STEPS).obs();
                double greedy = a.act(obs, false)[0];
                double noisy = a.act(obs, true)[0];
                assertTrue(noisy >= -1 && noisy <= 1, "exploratory actions are clipped to [−1, 1]");
                if (Math.abs(greedy) < 0.6) {
                    sum += noisy - greedy;
                    sumSq += (noisy - greedy) * (noisy - greedy);
                    n++;
                }
            }
            assertTrue(n > 500, "too few unclipped samples: " + n);
            double mean = sum / n;
            double std = Math.sqrt(sumSq / n - mean * mean);
            assertEquals(0, mean, 4 * 0.1 / Math.sqrt(n), "noise mean");
            assertEquals(0.1, std, 0.01, "noise standard deviation");
        }
    }

    @Test
    void discreteActionsAndOtherAgentsCheckpointsAreRefused(@TempDir Path tmp) {
        var cartPole = new dev.topiary.rl.ActionCodec(dev.topiary.env.EnvRegistry.make("CartPole-v1").actionSpace());
        assertThrows(IllegalArgumentException.class, () -> new DdpgAgent(backend, 4, cartPole,
                DdpgHyperParameters.defaults(), RegimePlan.mst(), 10, 100, 1));
        try (DdpgAgent a = agent(3)) {
            SimbaAgentFixture.feed(a, data, 0, 10, WARMUP);
            a.save(tmp.resolve("s"));
            try (var d = new dev.topiary.rl.sac.SacAgent(backend, SimbaAgentFixture.obsDim(),
                    SimbaAgentFixture.codec(), dev.topiary.rl.sac.SacHyperParameters.defaults()
                    .withWidthMultiplier(0.0625).withBatchSize(32), RegimePlan.mst(), 10, STEPS + 10, 3)) {
                assertThrows(RuntimeException.class, () -> d.load(tmp.resolve("s")));
            }
        }
    }
}
