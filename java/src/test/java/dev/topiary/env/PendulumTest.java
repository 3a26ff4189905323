package dev.topiary.env;

import org.junit.jupiter.api.Test;

import static dev.topiary.env.EnvTesting.at;
import static dev.topiary.env.EnvTesting.physics;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pendulum-v1 against Gymnasium's equations (g 10, m 1, l 1, dt 0.05, |θ̇| ≤ 8, |u| ≤ 2). */
class PendulumTest {

    @Test
    void unitTorqueFromUprightRest() {
        // θ = 0, θ̇ = 0, u = 1: cost = 0² + 0.1·0² + float32(0.001)·1² = 0.0010000000474974513.
        // θ̇' = 0 + (15·sin 0 + 3·1)·0.05 = 0.15000000000000002 (3·0.05 in double), θ' = θ̇'·0.05.
        Pendulum env = at(new Pendulum(), 0, 0);
        StepResult r = env.step(new double[]{1});
        assertEquals(-0.0010000000474974513, r.reward(), 0);
        double[] s = physics(env);
        assertEquals(0.15000000000000002, s[1], 0);
        assertEquals(0.0075000000000000015, s[0], 0);
        assertArrayEquals(new double[]{(float) Math.cos(s[0]), (float) Math.sin(s[0]), (float) s[1]},
                r.observation());
        assertEquals(0.0010000000474974513, (double) r.info().get("cost_torque"), 0);
        assertFalse(r.terminated() || r.truncated());
    }

    @Test
    void torqueIsClippedAndTheCostUsesTheWrappedAngle() {
        // θ = 2, θ̇ = −1, u = 2.5 → 2: cost = 2² + 0.1·1 + 0.001·4 = 4.104000000189989 (torque term in float32).
        // θ̇' = −1 + (15·sin 2 + 3·2)·0.05 = −1 + (13.6394614 + 6)·0.05 = −0.018026929880738618,
        // θ' = 2 + θ̇'·0.05 = 1.9990986535059632.
        Pendulum env = at(new Pendulum(), 2, -1);
        StepResult r = env.step(new double[]{2.5});
        assertEquals(-4.1040000001899894, r.reward(), 1e-15);
        double[] s = physics(env);
        assertEquals(-0.018026929880738618, s[1], 1e-15);
        assertEquals(1.9990986535059632, s[0], 1e-15);
        // θ = −3.5 wraps to −3.5 + 2π = 2.7831853: cost = 2.7831853² + 0.1·0.25 + 0.001·0.49 = 7.7716104541.
        // θ̇' = 0.5 + (15·sin(−3.5) + 3·(−0.7))·0.05 = 0.5 + (5.2617729 − 2.1)·0.05 = 0.6580874255.
        Pendulum wrapped = at(new Pendulum(), -3.5, 0.5);
        StepResult w = wrapped.step(new double[]{-0.7});
        assertEquals(-7.771610454106139, w.reward(), 1e-14);
        assertEquals(0.6580874255355864, physics(wrapped)[1], 1e-13);
    }

    @Test
    void angularVelocityIsClippedAtEight() {
        // θ = π/2, θ̇ = 7.9, u = 2: 7.9 + (15 + 6)·0.05 = 8.95 → 8; θ' = π/2 + 8·0.05.
        Pendulum env = at(new Pendulum(), Math.PI / 2, 7.9);
        env.step(new double[]{2});
        double[] s = physics(env);
        assertEquals(8.0, s[1], 0);
        assertEquals(Math.PI / 2 + 0.4, s[0], 1e-15);
    }

    @Test
    void angleNormalizeFollowsPythonsFlooredModulo() {
        assertEquals(-Math.PI, Pendulum.angleNormalize(Math.PI), 1e-15);
        assertEquals(0.5, Pendulum.angleNormalize(0.5 + 4 * Math.PI), 1e-12);
        assertEquals(-0.5, Pendulum.angleNormalize(-0.5 - 2 * Math.PI), 1e-12);
    }

    @Test
    void resetDrawsAngleAndVelocityFromTheirIntervals() {
        Pendulum env = new Pendulum();
        env.reset(11);
        for (int i = 0; i < 200; i++) {
            env.reset();
            double[] s = physics(env);
            assertTrue(s[0] >= -Math.PI && s[0] < Math.PI && s[1] >= -1 && s[1] < 1);
        }
    }
}
