package dev.topiary.rl.simba;

import dev.topiary.backend.cpu.CpuBackend;
import dev.topiary.env.EnvRegistry;
import dev.topiary.rl.ActionCodec;
import dev.topiary.rl.Agent;
import dev.topiary.rl.AgentSnapshot;
import dev.topiary.rl.ddpg.DdpgAgent;
import dev.topiary.rl.ddpg.DdpgHyperParameters;
import dev.topiary.rl.sac.SacAgent;
import dev.topiary.rl.sac.SacHyperParameters;
import dev.topiary.rl.simba.SimbaAgentFixture.Transition;
import dev.topiary.sparse.RegimeConfig;
import dev.topiary.sparse.RegimePlan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checks every SimBa agent passes, run by each agent's test class (which extends this and adds its own): on a
 * tiny configuration (width ×1/16, batch 32, critic RigL 0.6 every 10 module steps, actor static 0.6) UTD 2 counts two
 * module steps per training call, the target critic's masks follow the online critic through RigL updates, the same
 * seed gives bit-identical actions and another seed different ones, a saved and reloaded agent continues
 * bit-identically (actions, modules, replay), and discrete actions and the other algorithm's checkpoints are refused.
 * The checks are the same for SAC and DDPG because {@link SimbaAgent} does this part for both.
 *
 * @param <A> the agent under test
 */
public abstract class SimbaAgentContract<A extends SimbaAgent<?, ?, ?>> {
    protected static final int STEPS = 240;
    protected static final int WARMUP = 40;
    protected final CpuBackend backend = new CpuBackend(2);
    protected final List<Transition> data = SimbaAgentFixture.pendulum(STEPS, 5);

    @AfterEach
    void close() {
        backend.close();
    }

    /** The tiny configuration's agent with {@code seed}: {@link #sac} or {@link #ddpg} with {@link #plan()}. */
    protected abstract A agent(long seed);

    /** The agent with default settings under MST for {@code codec}'s actions (to see what it refuses). */
    protected abstract A withDefaults(int obsDim, ActionCodec codec);

    /** An agent of the other SimBa algorithm, shaped like {@link #agent}: its checkpoints must not load. */
    protected abstract Agent otherAlgorithm();

    /** The algorithm's own checks after {@link #twoUpdatesPerCallAndTheTargetKeepsTheCriticsMasks}'s training. */
    protected abstract void checkAfterTraining(A agent, Map<String, Double> metrics);

    /** The tiny configuration's plan: encoder dense (unused), critic RigL 0.6 every 10 steps, actor static 0.6. */
    protected static RegimePlan plan() {
        return new RegimePlan("test", RegimeConfig.dense(), new RegimeConfig.RigL(0.6, 10, 0.3, 0.8),
                RegimeConfig.staticSparse(0.6));
    }

    /** SAC at width ×1/16 and batch 32 on Pendulum, T = {@code trainCalls} training calls, replay STEPS + 10. */
    protected SacAgent sac(RegimePlan plan, long trainCalls, long seed) {
        SacHyperParameters hp = SacHyperParameters.defaults().withWidthMultiplier(0.0625).withBatchSize(32);
        return new SacAgent(backend, SimbaAgentFixture.obsDim(), SimbaAgentFixture.codec(), hp, plan, trainCalls,
                STEPS + 10, seed);
    }

    /** DDPG as {@link #sac}. */
    protected DdpgAgent ddpg(RegimePlan plan, long trainCalls, long seed) {
        DdpgHyperParameters hp = DdpgHyperParameters.defaults().withWidthMultiplier(0.0625).withBatchSize(32);
        return new DdpgAgent(backend, SimbaAgentFixture.obsDim(), SimbaAgentFixture.codec(), hp, plan, trainCalls,
                STEPS + 10, seed);
    }

    @Test
    void twoUpdatesPerCallAndTheTargetKeepsTheCriticsMasks() {
        try (A a = agent(3)) {
            SimbaNetworks net = a.net();
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
                changed |= !Arrays.equals(initial.get(i), online.get(i));
            }
            assertTrue(changed, "RigL never changed the critic's masks");
            var m = a.metrics();
            // Weights only: at this tiny width the dense biases and LayerNorm parameters weigh in the module totals.
            assertEquals(0.4, weightDensity(online), 0.01, "critic weights at sparsity 0.6");
            assertEquals(0.4, weightDensity(SimbaAgentFixture.masks(net.actor().module())), 0.01,
                    "actor weights at sparsity 0.6");
            assertTrue(m.get("density/critic") < 0.5 && m.get("density/actor") < 0.6, m.toString());
            assertTrue(Double.isFinite(m.get("loss/critic")) && Double.isFinite(m.get("loss/actor")), m.toString());
            checkAfterTraining(a, m);
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
        try (A a = agent(3); A b = agent(3); A c = agent(4)) {
            List<double[]> xa = SimbaAgentFixture.feed(a, data, 0, 100, WARMUP);
            List<double[]> xb = SimbaAgentFixture.feed(b, data, 0, 100, WARMUP);
            List<double[]> xc = SimbaAgentFixture.feed(c, data, 0, 100, WARMUP);
            boolean differs = false;
            for (int i = 0; i < xa.size(); i++) {
                assertArrayEquals(xa.get(i), xb.get(i), 0.0, "action " + i);
                differs |= !Arrays.equals(xa.get(i), xc.get(i));
            }
            assertTrue(differs, "seeds 3 and 4 acted identically");
            assertEquals(a.metrics(), b.metrics());
        }
    }

    @Test
    void aReloadedAgentContinuesBitIdentically(@TempDir Path tmp) throws IOException {
        try (A a = agent(3); A b = agent(3)) {
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
        var cartPole = new ActionCodec(EnvRegistry.make("CartPole-v1").actionSpace());
        assertThrows(IllegalArgumentException.class, () -> withDefaults(4, cartPole));
        try (A a = agent(3)) {
            SimbaAgentFixture.feed(a, data, 0, 10, WARMUP);
            a.save(tmp.resolve("s"));
            try (Agent d = otherAlgorithm()) {
                assertThrows(RuntimeException.class, () -> d.load(tmp.resolve("s")));
            }
        }
    }
}
