package dev.topiary.env;

import java.util.Map;

/**
 * Acrobot-v1 (Sutton and Barto's "book" dynamics) with Gymnasium's constants: two links of length 1 and mass 1,
 * centres of mass at 0.5, moments of inertia 1, torque −1, 0 or +1 on the joint between them (actions 0, 1, 2), one
 * fourth-order Runge–Kutta step of dt 0.2, angles wrapped to [−π, π], velocities bounded by 4π and 9π. Reward −1
 * per step and 0 on the terminal step, reached when the free end rises above the bar: −cos θ1 − cos(θ1 + θ2) > 1.
 * Reset draws the four state numbers from U(−0.1, 0.1), rounded to float32 as Gymnasium does; the registry cuts
 * episodes at 500 steps.
 */
public final class Acrobot extends ClassicControl {
    static final double DT = 0.2;
    static final double LINK_LENGTH_1 = 1.0;
    static final double LINK_MASS_1 = 1.0;
    static final double LINK_MASS_2 = 1.0;
    static final double LINK_COM_POS_1 = 0.5;
    static final double LINK_COM_POS_2 = 0.5;
    static final double LINK_MOI = 1.0;
    static final double MAX_VEL_1 = 4 * Math.PI;
    static final double MAX_VEL_2 = 9 * Math.PI;
    static final double[] AVAIL_TORQUE = {-1.0, 0.0, 1.0};
    static final double G = 9.8;

    private static final Box OBSERVATION = Box.of(
            new double[]{-1, -1, -1, -1, -f32(MAX_VEL_1), -f32(MAX_VEL_2)},
            new double[]{1, 1, 1, 1, f32(MAX_VEL_1), f32(MAX_VEL_2)});
    private static final Discrete ACTIONS = new Discrete(3);

    private final double[] s = new double[4];

    public Acrobot() {
        super("Acrobot-v1");
    }

    @Override
    public Space observationSpace() {
        return OBSERVATION;
    }

    @Override
    public Space actionSpace() {
        return ACTIONS;
    }

    @Override
    void resetPhysics(Rng rng, Map<String, ?> options) {
        double[] b = resetBounds("Acrobot-v1", options, -0.1, 0.1);
        for (int i = 0; i < 4; i++) {
            s[i] = f32(rng.uniform(b[0], b[1]));
        }
    }

    @Override
    StepResult stepPhysics(double[] action) {
        double torque = AVAIL_TORQUE[ACTIONS.index(action)];
        double[] ns = rk4(s, torque, DT);
        s[0] = wrap(ns[0], -Math.PI, Math.PI);
        s[1] = wrap(ns[1], -Math.PI, Math.PI);
        s[2] = Math.min(Math.max(ns[2], -MAX_VEL_1), MAX_VEL_1);
        s[3] = Math.min(Math.max(ns[3], -MAX_VEL_2), MAX_VEL_2);
        boolean terminated = -Math.cos(s[0]) - Math.cos(s[1] + s[0]) > 1.0;
        return new StepResult(observation(), terminated ? 0.0 : -1.0, terminated, false, Map.of());
    }

    /** One classical RK4 step of length {@code dt} with the torque held constant. */
    static double[] rk4(double[] y0, double torque, double dt) {
        double dt2 = dt / 2.0;
        double[] k1 = dsdt(y0, torque);
        double[] k2 = dsdt(axpy(y0, dt2, k1), torque);
        double[] k3 = dsdt(axpy(y0, dt2, k2), torque);
        double[] k4 = dsdt(axpy(y0, dt, k3), torque);
        double w = dt / 6.0;
        double[] y = new double[4];
        for (int i = 0; i < 4; i++) {
            y[i] = y0[i] + w * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
        }
        return y;
    }

    private static double[] axpy(double[] y, double a, double[] k) {
        return new double[]{y[0] + a * k[0], y[1] + a * k[1], y[2] + a * k[2], y[3] + a * k[3]};
    }

    /** Time derivative of (θ1, θ2, θ̇1, θ̇2) under {@code a}, in Gymnasium's order of operations ("book" variant). */
    static double[] dsdt(double[] s, double a) {
        double m1 = LINK_MASS_1;
        double m2 = LINK_MASS_2;
        double l1 = LINK_LENGTH_1;
        double lc1 = LINK_COM_POS_1;
        double lc2 = LINK_COM_POS_2;
        double i1 = LINK_MOI;
        double i2 = LINK_MOI;
        double theta1 = s[0];
        double theta2 = s[1];
        double dtheta1 = s[2];
        double dtheta2 = s[3];
        double d1 = m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * Math.cos(theta2)) + i1 + i2;
        double d2 = m2 * (lc2 * lc2 + l1 * lc2 * Math.cos(theta2)) + i2;
        double phi2 = m2 * lc2 * G * Math.cos(theta1 + theta2 - Math.PI / 2.0);
        double phi1 = -m2 * l1 * lc2 * (dtheta2 * dtheta2) * Math.sin(theta2)
                - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * Math.sin(theta2)
                + (m1 * lc1 + m2 * l1) * G * Math.cos(theta1 - Math.PI / 2) + phi2;
        double ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * (dtheta1 * dtheta1) * Math.sin(theta2) - phi2)
                / (m2 * (lc2 * lc2) + i2 - (d2 * d2) / d1);
        double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
        return new double[]{dtheta1, dtheta2, ddtheta1, ddtheta2};
    }

    /** Gymnasium's {@code wrap}: shifts x by the range width until it lies in [m, M]. */
    static double wrap(double x, double m, double big) {
        double diff = big - m;
        while (x > big) {
            x = x - diff;
        }
        while (x < m) {
            x = x + diff;
        }
        return x;
    }

    @Override
    double[] observation() {
        return new double[]{f32(Math.cos(s[0])), f32(Math.sin(s[0])), f32(Math.cos(s[1])), f32(Math.sin(s[1])),
                f32(s[2]), f32(s[3])};
    }

    @Override
    double[] physics() {
        return s.clone();
    }

    @Override
    void setPhysics(double[] state) {
        System.arraycopy(state, 0, s, 0, 4);
    }
}
