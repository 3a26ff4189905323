package dev.topiary.rl.ddpg;

import dev.topiary.rl.ActionCodec;
import dev.topiary.rl.Agent;
import dev.topiary.rl.simba.SimbaAgentContract;
import dev.topiary.rl.simba.SimbaAgentFixture;
import dev.topiary.sparse.RegimePlan;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DDPG on a tiny configuration (width ×1/16, batch 32, RigL on the critic every 10 module steps): the checks every
 * SimBa agent passes ({@link SimbaAgentContract}: UTD 2 counts two module steps per training call, the target
 * critic's masks follow the online critic through RigL updates, the same seed gives bit-identical actions and another
 * seed different ones, a saved and reloaded agent continues bit-identically), the target actor keeps the actor's
 * static mask, and exploration adds N(0, 0.1²) to tanh(π(s)) and clips.
 */
class DdpgAgentTest extends SimbaAgentContract<DdpgAgent> {

    @Override
    protected DdpgAgent agent(long seed) {
        return ddpg(plan(), STEPS - WARMUP, seed);
    }

    @Override
    protected DdpgAgent withDefaults(int obsDim, ActionCodec codec) {
        return new DdpgAgent(backend, obsDim, codec, DdpgHyperParameters.defaults(), RegimePlan.mst(), 10, 100, 1);
    }

    @Override
    protected Agent otherAlgorithm() {
        return sac(RegimePlan.mst(), 10, 3);
    }

    @Override
    protected void checkAfterTraining(DdpgAgent agent, Map<String, Double> m) {
        var net = agent.networks();
        List<byte[]> actor = SimbaAgentFixture.masks(net.actor().module());
        List<byte[]> actorTarget = SimbaAgentFixture.masks(net.actorTarget().target());
        for (int i = 0; i < actor.size(); i++) {
            assertArrayEquals(actor.get(i), actorTarget.get(i), "actor layer " + i + ": target mask ≠ mask");
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
}
