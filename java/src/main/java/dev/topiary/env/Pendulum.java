package dev.topiary.env;

import java.util.Map;

/**
 * Pendulum-v1 with Gymnasium's constants (g 10, m 1, l 1, dt 0.05, |θ̇| ≤ 8, torque in [−2, 2]): observation
 * (cos θ, sin θ, θ̇); reward −(norm(θ)² + 0.1 θ̇² + 0.001 u²) with norm(θ) wrapped to [−π, π); semi-implicit Euler;
 * never terminates; the registry cuts episodes at 200 steps. Reset draws θ ∈ U(−π, π), θ̇ ∈ U(−1, 1) (options
 * {@code "x_init"}, {@code "y_init"} change the bounds).
 *
 * <p>The torque is rounded to float32, the action space's dtype, and the two terms Gymnasium evaluates in float32
 * under NumPy 2's promotion rules ({@code 0.001·u²} and {@code 3·u}) are evaluated in float32 here too. The info map
 * holds the three cost terms.
 */
public final class Pendulum extends ClassicControl {
    static final double MAX_SPEED = 8;
    static final float MAX_TORQUE = 2.0f;
    static final double DT = 0.05;
    static final double G = 10.0;
    static final double M = 1.0;
    static final double L = 1.0;

    private static final Box OBSERVATION = Box.of(new double[]{-1, -1, -MAX_SPEED}, new double[]{1, 1, MAX_SPEED});
    private static final Box ACTIONS = Box.uniform(-MAX_TORQUE, MAX_TORQUE, 1);

    private double theta;
    private double thetaDot;

    public Pendulum() {
        super("Pendulum-v1");
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
        double x = number("Pendulum-v1", options, "x_init", Math.PI);
        double y = number("Pendulum-v1", options, "y_init", 1.0);
        theta = rng.uniform(-x, x);
        thetaDot = rng.uniform(-y, y);
    }

    @Override
    StepResult stepPhysics(double[] action) {
        float u = Math.min(Math.max((float) action[0], -MAX_TORQUE), MAX_TORQUE);
        double angle = angleNormalize(theta);
        double costAngle = angle * angle;
        double costVelocity = 0.1 * (thetaDot * thetaDot);
        double costTorque = 0.001f * (u * u);
        double costs = costAngle + costVelocity + costTorque;
        double newThetaDot = thetaDot + (3 * G / (2 * L) * Math.sin(theta) + (double) ((float) (3.0 / (M * L * L)) * u))
                * DT;
        newThetaDot = Math.min(Math.max(newThetaDot, -MAX_SPEED), MAX_SPEED);
        theta = theta + newThetaDot * DT;
        thetaDot = newThetaDot;
        Map<String, Object> info = Map.of("cost_angle", costAngle, "cost_velocity", costVelocity, "cost_torque",
                costTorque);
        return new StepResult(observation(), -costs, false, false, info);
    }

    /** {@code ((x + π) mod 2π) − π} with the floored modulo of Python. */
    static double angleNormalize(double x) {
        double twoPi = 2 * Math.PI;
        double m = (x + Math.PI) % twoPi;
        if (m < 0) {
            m += twoPi;
        }
        return m - Math.PI;
    }

    @Override
    double[] observation() {
        return new double[]{f32(Math.cos(theta)), f32(Math.sin(theta)), f32(thetaDot)};
    }

    @Override
    double[] physics() {
        return new double[]{theta, thetaDot};
    }

    @Override
    void setPhysics(double[] state) {
        theta = state[0];
        thetaDot = state[1];
    }
}
