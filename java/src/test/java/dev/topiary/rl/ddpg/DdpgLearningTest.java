package dev.topiary.rl.ddpg;

import dev.topiary.rl.simba.SimbaAgentFixture;
import dev.topiary.sparse.RegimePlan;
import org.junit.jupiter.api.Test;

/**
 * SimBa DDPG with MST (critic RigL 0.6, actor static 0.6) learns Pendulum on the CPU backend (2 threads) with
 * CI-sized settings: width ×0.25 (critic 128 × 2 blocks, actor 32 × 1 block), batch 256, 1,000 warm-up steps, a cap
 * of 4,000 steps (3,000 training calls, 6,000 updates at UTD 2), and the paper's other settings (AdamW lr 1e-4 and
 * wd 1e-2, τ 0.005, exploration noise 0.1, observation normalisation).
 */
class DdpgLearningTest {

    @Test
    void mstDdpgSolvesPendulumWithin4000Steps() {
        DdpgHyperParameters hp = DdpgHyperParameters.defaults().withWidthMultiplier(0.25);
        SimbaAgentFixture.assertLearnsPendulumWithin4000Steps("DDPG", (backend, obsDim, codec, trainCalls) ->
                new DdpgAgent(backend, obsDim, codec, hp, RegimePlan.mst(), trainCalls, 6_000, 1));
    }
}
