package dev.topiary.rl.sac;

import dev.topiary.rl.simba.SimbaAgentFixture;
import dev.topiary.sparse.RegimePlan;
import org.junit.jupiter.api.Test;

/**
 * SimBa SAC with MST (critic RigL 0.6, actor static 0.6) learns Pendulum on the CPU backend (2 threads) with
 * CI-sized settings: width ×0.25 (critic 128 × 2 blocks, actor 32 × 1 block), batch 256, 1,000 warm-up steps, a cap
 * of 4,000 steps (3,000 training calls, 6,000 updates at UTD 2), and the paper's other settings (AdamW lr 1e-4 and
 * wd 1e-2, τ 0.005, α₀ 0.01, target entropy −0.5·|A|, observation normalisation).
 */
class SacLearningTest {

    @Test
    void mstSacSolvesPendulumWithin4000Steps() {
        SacHyperParameters hp = SacHyperParameters.defaults().withWidthMultiplier(0.25);
        SimbaAgentFixture.assertLearnsPendulumWithin4000Steps("SAC", (backend, obsDim, codec, trainCalls) ->
                new SacAgent(backend, obsDim, codec, hp, RegimePlan.mst(), trainCalls, 6_000, 1));
    }
}
