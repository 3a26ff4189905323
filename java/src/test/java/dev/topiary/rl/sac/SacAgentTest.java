package dev.topiary.rl.sac;

import dev.topiary.rl.ActionCodec;
import dev.topiary.rl.Agent;
import dev.topiary.rl.simba.SimbaAgentContract;
import dev.topiary.sparse.RegimePlan;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * SAC on a tiny configuration (width ×1/16, batch 32, RigL on the critic every 10 module steps): the checks every
 * SimBa agent passes ({@link SimbaAgentContract}: UTD 2 counts two module steps per training call, the target
 * critic's masks follow the online critic through RigL updates, the same seed gives bit-identical actions and another
 * seed different ones, a saved and reloaded agent continues bit-identically), and the temperature is learnt.
 */
class SacAgentTest extends SimbaAgentContract<SacAgent> {

    @Override
    protected SacAgent agent(long seed) {
        return sac(plan(), STEPS - WARMUP, seed);
    }

    @Override
    protected SacAgent withDefaults(int obsDim, ActionCodec codec) {
        return new SacAgent(backend, obsDim, codec, SacHyperParameters.defaults(), RegimePlan.mst(), 10, 100, 1);
    }

    @Override
    protected Agent otherAlgorithm() {
        return ddpg(RegimePlan.mst(), 10, 3);
    }

    @Override
    protected void checkAfterTraining(SacAgent agent, Map<String, Double> m) {
        assertNotEquals(0.01, m.get("temperature"), 1e-6, "the temperature is learnt");
    }
}
