package dev.topiary.env;

import org.junit.jupiter.api.Test;

import static dev.topiary.env.EnvTesting.at;
import static dev.topiary.env.EnvTesting.physics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MountainCarContinuous-v0 against Gymnasium's equations: v += a·0.0015 − 0.0025·cos 3x, clip |v| ≤ 0.07, x += v,
 * clip x ∈ [−1.2, 0.6], stop at the left wall, goal x ≥ 0.45 with v ≥ 0; the state is stored as float32 after a step.
 */
class MountainCarContinuousTest {
    private static final long[] FLOAT64_STATE = {0};
    private static final long[] FLOAT32_STATE = {1};

    @Test
    void firstStepsFromTheValleyFloor() {
        // Reset state (−0.5, 0) in float64, a = 0.5:
        //   push = float32(0.5)·float32(0.0015) = 0.000750000006519258 (float32 product, as NumPy 2 computes it)
        //   gravity = 0.0025·cos(−1.5) = 0.0025·0.0707372017 = 0.000176843004
        //   v = 0 + float32(push − gravity) = 0.000573156983, x = −0.5 + v = −0.499426843; stored as float32.
        //   reward = −0.5²·0.1 = −0.025.
        MountainCarContinuous env = at(new MountainCarContinuous(), FLOAT64_STATE, -0.5, 0);
        StepResult r = env.step(new double[]{0.5});
        assertEquals(-0.49942684173583984, r.observation()[0], 0);
        assertEquals(0.0005731569835916162, r.observation()[1], 0);
        assertEquals(-0.025, r.reward(), 1e-17);
        // Second step, now on the float32 state: v = float32(v + float32(push − 0.0025·cos(float32(3x)))).
        r = env.step(new double[]{0.5});
        assertEquals(-0.49828481674194336, r.observation()[0], 0);
        assertEquals(0.0011420263908803463, r.observation()[1], 0);
        // The control cost uses the unclipped float32 action: −float32(−0.3)²·0.1.
        r = env.step(new double[]{-0.3});
        assertEquals(-0.49778246879577637, r.observation()[0], 0);
        assertEquals(0.000502354116179049, r.observation()[1], 0);
        assertEquals(-0.009000000715255752, r.reward(), 1e-18);
    }

    @Test
    void reachingTheGoalPaysOneHundredAndTerminates() {
        // (0.44, 0.02), a = 0: v = 0.02 − 0.0025·cos(1.32) = 0.0193796, x = 0.4593796 ≥ 0.45 with v ≥ 0.
        StepResult r = at(new MountainCarContinuous(), FLOAT32_STATE, (float) 0.44, (float) 0.02)
                .step(new double[]{0});
        assertTrue(r.terminated());
        assertFalse(r.truncated());
        assertEquals(100.0, r.reward(), 0);
        assertEquals(0.45937955379486084, r.observation()[0], 0);
        assertEquals(0.01937955990433693, r.observation()[1], 0);
    }

    @Test
    void theLeftWallStopsTheCarAndLargeActionsAreClipped() {
        // (−1.19, −0.05), a = 2 → force 1: v = −0.05 + 0.0015 − 0.0025·cos(−3.57) ≈ −0.0463, x = −1.2363 → −1.2,
        // and at the wall a negative velocity becomes 0. Reward −2²·0.1 = −0.4 (the cost uses the raw action).
        MountainCarContinuous env = at(new MountainCarContinuous(), FLOAT32_STATE, (float) -1.19, (float) -0.05);
        StepResult r = env.step(new double[]{2});
        assertEquals((float) -1.2, r.observation()[0], 0);
        assertEquals(0.0, r.observation()[1], 0);
        assertEquals(-0.4, r.reward(), 1e-16);
        // (−0.52, 0.0695), a = 1: v = 0.0695 + 0.0015 − 0.0025·cos(−1.56) = 0.07097 → 0.07; x = −0.52 + 0.07.
        StepResult fast = at(new MountainCarContinuous(), FLOAT32_STATE, (float) -0.52, (float) 0.0695)
                .step(new double[]{1});
        assertEquals(0.07000000029802322, fast.observation()[1], 0);
        assertEquals(-0.44999998807907104, fast.observation()[0], 0);
    }

    @Test
    void resetPutsTheCarAtRestBetweenMinusZeroPointSixAndMinusZeroPointFour() {
        MountainCarContinuous env = new MountainCarContinuous();
        env.reset(5);
        for (int i = 0; i < 100; i++) {
            double[] obs = env.reset().observation();
            assertTrue(obs[0] >= -0.6f && obs[0] <= -0.4f);
            assertEquals(0.0, obs[1]);
            assertEquals(0L, env.saveState().orElseThrow().integer("counters")[0], "a reset state is float64");
        }
        assertEquals(0.0, physics(env)[1]);
    }
}
