package dev.topiary.env;

import java.util.Map;

/**
 * CartPole-v1 (Barto, Sutton and Anderson, 1983) with Gymnasium's constants and Euler integration: push the cart
 * left (0) or right (1) with a force of 10 N; +1 per step; terminates when |θ| > 12° or |x| > 2.4; the registry
 * cuts episodes at 500 steps. Stepping again after termination returns reward 0, as Gymnasium does.
 */
public final class CartPole extends ClassicControl {
    static final double GRAVITY = 9.8;
    static final double MASS_CART = 1.0;
    static final double MASS_POLE = 0.1;
    static final double TOTAL_MASS = MASS_POLE + MASS_CART;
    static final double LENGTH = 0.5;
    static final double POLE_MASS_LENGTH = MASS_POLE * LENGTH;
    static final double FORCE_MAG = 10.0;
    static final double TAU = 0.02;
    static final double THETA_THRESHOLD = 12 * 2 * Math.PI / 360;
    static final double X_THRESHOLD = 2.4;

    private static final Box OBSERVATION = Box.of(
            new double[]{-f32(X_THRESHOLD * 2), Double.NEGATIVE_INFINITY, -f32(THETA_THRESHOLD * 2),
                    Double.NEGATIVE_INFINITY},
            new double[]{f32(X_THRESHOLD * 2), Double.POSITIVE_INFINITY, f32(THETA_THRESHOLD * 2),
                    Double.POSITIVE_INFINITY});
    private static final Discrete ACTIONS = new Discrete(2);

    private final double[] s = new double[4];
    /** Gymnasium's {@code steps_beyond_terminated}: −1 for None. */
    private long stepsBeyondTerminated = -1;

    public CartPole() {
        super("CartPole-v1");
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
        double[] b = resetBounds("CartPole-v1", options, -0.05, 0.05);
        for (int i = 0; i < 4; i++) {
            s[i] = rng.uniform(b[0], b[1]);
        }
        stepsBeyondTerminated = -1;
    }

    @Override
    StepResult stepPhysics(double[] action) {
        int a = ACTIONS.index(action);
        double x = s[0];
        double xDot = s[1];
        double theta = s[2];
        double thetaDot = s[3];
        double force = a == 1 ? FORCE_MAG : -FORCE_MAG;
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        double temp = (force + POLE_MASS_LENGTH * (thetaDot * thetaDot) * sin) / TOTAL_MASS;
        double thetaAcc = (GRAVITY * sin - cos * temp)
                / (LENGTH * (4.0 / 3.0 - MASS_POLE * (cos * cos) / TOTAL_MASS));
        double xAcc = temp - POLE_MASS_LENGTH * thetaAcc * cos / TOTAL_MASS;
        s[0] = x + TAU * xDot;
        s[1] = xDot + TAU * xAcc;
        s[2] = theta + TAU * thetaDot;
        s[3] = thetaDot + TAU * thetaAcc;
        boolean terminated = s[0] < -X_THRESHOLD || s[0] > X_THRESHOLD || s[2] < -THETA_THRESHOLD
                || s[2] > THETA_THRESHOLD;
        double reward = 1.0;
        if (terminated) {
            stepsBeyondTerminated++;
            reward = stepsBeyondTerminated == 0 ? 1.0 : 0.0;
        }
        return new StepResult(observation(), reward, terminated, false, Map.of());
    }

    @Override
    double[] observation() {
        return new double[]{f32(s[0]), f32(s[1]), f32(s[2]), f32(s[3])};
    }

    @Override
    double[] physics() {
        return s.clone();
    }

    @Override
    void setPhysics(double[] state) {
        System.arraycopy(state, 0, s, 0, 4);
    }

    @Override
    long[] counters() {
        return new long[]{stepsBeyondTerminated};
    }

    @Override
    void setCounters(long[] counters) {
        stepsBeyondTerminated = counters[0];
    }
}
