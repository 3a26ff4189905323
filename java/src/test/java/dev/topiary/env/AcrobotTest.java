package dev.topiary.env;

import org.junit.jupiter.api.Test;

import static dev.topiary.env.EnvTesting.at;
import static dev.topiary.env.EnvTesting.physics;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Acrobot-v1 ("book" dynamics, RK4 with dt 0.2) against Gymnasium's equations. */
class AcrobotTest {

    @Test
    void derivativeAtRestUnderUnitTorqueIsTheHandFraction() {
        // At θ = θ̇ = 0 with a = +1: d1 = 1·0.25 + 1·(1 + 0.25 + 2·0.5·cos 0) + 1 + 1 = 4.5,
        // d2 = 1·(0.25 + 0.5) + 1 = 1.75, φ1 = φ2 = 0 up to cos(−π/2) = 6e-17.
        // θ̈2 = (1 + 0 − 0 − 0)/(0.25 + 1 − 1.75²/4.5) = 1/(41/72) = 72/41; θ̈1 = −(1.75·72/41)/4.5 = −28/41.
        double[] k1 = Acrobot.dsdt(new double[]{0, 0, 0, 0}, 1.0);
        assertEquals(0.0, k1[0]);
        assertEquals(0.0, k1[1]);
        assertEquals(-28.0 / 41, k1[2], 1e-15);
        assertEquals(72.0 / 41, k1[3], 1e-15);
    }

    @Test
    void oneRungeKuttaStepUnderUnitTorque() {
        // k1 as above; k2 = f(y + 0.1·k1) adds the velocities (−2.8/41, 7.2/41) at θ = 0, so only k3 and k4 see
        // non-zero angles. y' = y + 0.2/6·(k1 + 2k2 + 2k3 + k4) evaluates (from the same equations) to
        // (−0.0132629672, 0.0342872293, −0.1286618528, 0.3345010900).
        Acrobot env = at(new Acrobot(), 0, 0, 0, 0);
        StepResult r = env.step(2);
        double[] s = physics(env);
        assertArrayEquals(new double[]{-0.013262967177227795, 0.03428722934738544, -0.12866185280996106,
                0.33450108998660194}, s, 1e-14);
        assertEquals(-1.0, r.reward());
        assertFalse(r.terminated());
        assertArrayEquals(new double[]{(float) Math.cos(s[0]), (float) Math.sin(s[0]), (float) Math.cos(s[1]),
                (float) Math.sin(s[1]), (float) s[2], (float) s[3]}, r.observation());
    }

    @Test
    void negativeTorqueFromAMovingState() {
        // From float32 (0.05, −0.03, 0.1, −0.2) with a = −1: k1 = (0.1, −0.2, 0.3434313296, −1.3590168454).
        double[] y = {(float) 0.05, (float) -0.03, (float) 0.1, (float) -0.2};
        double[] k1 = Acrobot.dsdt(y, -1.0);
        assertEquals(0.34343132959941813, k1[2], 1e-14);
        assertEquals(-1.3590168454230485, k1[3], 1e-14);
        Acrobot env = at(new Acrobot(), y);
        env.step(0);
        assertArrayEquals(new double[]{0.07554717110853762, -0.09453751581711409, 0.14812656007910754,
                -0.4299859797169516}, physics(env), 1e-14);
    }

    @Test
    void restingFlatStaysPutWithoutTorque() {
        Acrobot env = at(new Acrobot(), 0, 0, 0, 0);
        env.step(1);
        for (double v : physics(env)) {
            assertEquals(0.0, v, 1e-15);
        }
    }

    @Test
    void anglesWrapVelocitiesAreBoundedAndTheTipAboveTheBarTerminates() {
        // θ1 = 3.1 moving at 2 rad/s passes π and wraps to −2.771; −cos θ1 − cos(θ1 + θ2) = 0.932 + 0.961 > 1.
        Acrobot up = at(new Acrobot(), 3.1, 0.1, 2.0, 0.0);
        StepResult r = up.step(1);
        assertTrue(r.terminated());
        assertEquals(0.0, r.reward());
        assertEquals(-2.771007076032391, physics(up)[0], 1e-13);
        // θ̇1 = 12.5 grows past 4π and is bounded there; θ̇2 = 28 stays below 9π.
        Acrobot fast = at(new Acrobot(), 0, 0, 12.5, 28);
        fast.step(2);
        double[] s = physics(fast);
        assertEquals(4 * Math.PI, s[2], 0);
        assertEquals(24.14129592326819, s[3], 1e-12);
        assertEquals(-2.1670403520433723, s[0], 1e-13);
        assertEquals(3.0, Acrobot.wrap(3.0 + 4 * Math.PI, -Math.PI, Math.PI), 1e-12);
    }

    @Test
    void resetDrawsFloat32ValuesInTheSmallBox() {
        Acrobot env = new Acrobot();
        env.reset(2);
        for (int i = 0; i < 100; i++) {
            env.reset();
            for (double v : physics(env)) {
                assertTrue(v >= -0.1f && v <= 0.1f);
                assertEquals((float) v, v, 0, "Gymnasium rounds the reset state to float32");
            }
        }
    }
}
