package dev.topiary.env;

import org.junit.jupiter.api.Test;

import static dev.topiary.env.EnvTesting.at;
import static dev.topiary.env.EnvTesting.physics;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CartPole-v1 against Gymnasium's equations, worked by hand from its constants. */
class CartPoleTest {

    @Test
    void pushRightFromRestMatchesTheExactFractions() {
        // From rest (θ = 0): temp = F/M = 10/1.1 = 100/11.
        // θ̈ = (g·0 − 1·temp) / (l·(4/3 − m_p·1/M)) = −(100/11) / (0.5·(4/3 − 1/11)) = −(100/11)/(41/66) = −600/41.
        // ẍ = temp − m_p·l·θ̈·1/M = 100/11 + 0.05·(600/41)/1.1 = 400/41.
        // Euler with τ = 0.02: x = 0, ẋ = 0.02·400/41 = 8/41, θ = 0, θ̇ = −0.02·600/41 = −12/41.
        CartPole env = at(new CartPole(), 0, 0, 0, 0);
        StepResult r = env.step(1);
        double[] s = physics(env);
        assertEquals(0.0, s[0]);
        assertEquals(8.0 / 41, s[1], 1e-16);
        assertEquals(0.0, s[2]);
        assertEquals(-12.0 / 41, s[3], 1e-16);
        assertEquals(1.0, r.reward());
        assertFalse(r.terminated());
        assertFalse(r.truncated());
        assertArrayEquals(new double[]{0f, (float) (8.0 / 41), 0f, (float) (-12.0 / 41)}, r.observation());
    }

    @Test
    void pushLeftFromATiltedStateMatchesTheEquations() {
        // State (x, ẋ, θ, θ̇) = (0.1, −0.2, 0.05, 0.3), action 0 (F = −10):
        //   temp = (−10 + 0.05·0.3²·sin 0.05)/1.1 = (−10 + 0.0045·0.0499792)/1.1 = −9.0907046307
        //   θ̈ = (9.8·sin 0.05 − cos 0.05·temp) / (0.5·(4/3 − 0.1·cos² 0.05/1.1)) = (0.4897964 + 9.0793443)/0.6213313
        //      = 15.4011656803
        //   ẍ = temp − 0.05·θ̈·cos 0.05/1.1 = −9.0907046 − 0.6991781 = −9.7898827322
        //   x = 0.1 + 0.02·(−0.2) = 0.096, ẋ = −0.2 + 0.02·ẍ = −0.3957976546, θ = 0.05 + 0.02·0.3 = 0.056,
        //   θ̇ = 0.3 + 0.02·θ̈ = 0.6080233136.
        CartPole env = at(new CartPole(), 0.1, -0.2, 0.05, 0.3);
        env.step(0);
        double[] s = physics(env);
        assertEquals(0.096, s[0], 1e-15);
        assertEquals(-0.3957976546439626, s[1], 1e-15);
        assertEquals(0.056, s[2], 1e-15);
        assertEquals(0.6080233136061515, s[3], 1e-14);
    }

    @Test
    void terminatesPastTheCartAndAngleLimitsThenPaysNothing() {
        // x = 2.39 + 0.02·0.6 = 2.402 > 2.4.
        CartPole env = at(new CartPole(), 2.39, 0.6, 0, 0);
        StepResult r = env.step(1);
        assertTrue(r.terminated());
        assertEquals(1.0, r.reward());
        assertEquals(0.0, env.step(1).reward(), "Gymnasium pays 0 for steps after termination");
        // θ = 0.2 + 0.02·0.5 = 0.21 > 12° = 0.2094395 rad.
        assertTrue(at(new CartPole(), 0, 0, 0.2, 0.5).step(0).terminated());
        // θ = 0.2 + 0.02·0.4 = 0.208 < 0.2094395: still balancing.
        assertFalse(at(new CartPole(), 0, 0, 0.2, 0.4).step(0).terminated());
    }

    @Test
    void resetDrawsEachStateNumberFromTheGivenBounds() {
        CartPole env = new CartPole();
        for (int i = 0; i < 200; i++) {
            double[] obs = env.reset(i).observation();
            for (double v : obs) {
                assertTrue(v >= -0.05 && v <= 0.05, "reset value " + v);
            }
        }
        double[] wide = env.reset(java.util.OptionalLong.of(3), java.util.Map.of("low", -0.5, "high", 0.5))
                .observation();
        boolean outside = false;
        for (double v : wide) {
            assertTrue(v >= -0.5 && v <= 0.5);
            outside |= Math.abs(v) > 0.05;
        }
        assertTrue(outside, "the reset options widen the bounds");
    }

    @Test
    void rejectsAnActionOutsideTheSpaceAndAStepBeforeReset() {
        assertThrows(IllegalStateException.class, () -> new CartPole().step(1));
        CartPole env = new CartPole();
        env.reset(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.step(2));
        assertTrue(e.getMessage().contains("Discrete(2)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> env.step(new double[]{0.5}));
    }
}
