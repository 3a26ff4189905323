package dev.topiary.env;

import java.util.Map;

/**
 * MountainCarContinuous-v0 with Gymnasium's constants (power 0.0015, |v| ≤ 0.07, x ∈ [−1.2, 0.6], goal x ≥ 0.45
 * with v ≥ 0): reward 100 on reaching the goal minus 0.1·a² every step; reset x ∈ U(−0.6, −0.4), v = 0; the
 * registry cuts episodes at 999 steps.
 *
 * <p>Gymnasium stores this task's state as float32 after every step (the reset state is float64) and mixes float32
 * and Python floats under NumPy 2's promotion rules; this class follows the same roundings, so long episodes do not
 * drift from Gymnasium's. The action is rounded to float32, the action space's dtype. The info map holds the two
 * reward terms.
 */
public final class MountainCarContinuous extends ClassicControl {
    static final double MIN_POSITION = -1.2;
    static final double MAX_POSITION = 0.6;
    static final double MAX_SPEED = 0.07;
    static final double GOAL_POSITION = 0.45;
    static final double GOAL_VELOCITY = 0;
    static final double POWER = 0.0015;

    private static final Box OBSERVATION = Box.of(new double[]{f32(MIN_POSITION), f32(-MAX_SPEED)},
            new double[]{f32(MAX_POSITION), f32(MAX_SPEED)});
    private static final Box ACTIONS = Box.uniform(-1.0, 1.0, 1);

    private double position;
    private double velocity;
    /** True once the state has been stored as float32 (after the first step of an episode). */
    private boolean float32State;

    public MountainCarContinuous() {
        super("MountainCarContinuous-v0");
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
        double[] b = resetBounds("MountainCarContinuous-v0", options, -0.6, -0.4);
        position = rng.uniform(b[0], b[1]);
        velocity = 0;
        float32State = false;
    }

    @Override
    StepResult stepPhysics(double[] action) {
        float a = (float) action[0];
        boolean clipped = a < -1f || a > 1f;
        // force·power is float32 unless the force was clipped to a Python float (±1.0).
        double push = clipped ? (a > 1f ? 1.0 : -1.0) * POWER : a * (float) POWER;
        double cosArg = float32State ? 3f * (float) position : 3 * position;
        double gravity = 0.0025 * Math.cos(cosArg);
        double delta = clipped ? push - gravity : (float) push - (float) gravity;
        velocity = float32State ? (float) velocity + (float) delta : velocity + delta;
        velocity = Math.min(Math.max(velocity, -MAX_SPEED), MAX_SPEED);
        position = float32State ? (float) position + (float) velocity : position + velocity;
        position = Math.min(Math.max(position, MIN_POSITION), MAX_POSITION);
        if (position == MIN_POSITION && velocity < 0) {
            velocity = 0;
        }
        boolean terminated = position >= GOAL_POSITION && velocity >= GOAL_VELOCITY;
        double goal = terminated ? 100.0 : 0.0;
        double ctrl = -((double) a * a) * 0.1;
        position = f32(position);
        velocity = f32(velocity);
        float32State = true;
        return new StepResult(observation(), goal + ctrl, terminated, false,
                Map.of("reward_goal", goal, "reward_ctrl", ctrl));
    }

    @Override
    double[] observation() {
        return new double[]{f32(position), f32(velocity)};
    }

    @Override
    double[] physics() {
        return new double[]{position, velocity};
    }

    @Override
    void setPhysics(double[] state) {
        position = state[0];
        velocity = state[1];
    }

    @Override
    long[] counters() {
        return new long[]{float32State ? 1 : 0};
    }

    @Override
    void setCounters(long[] counters) {
        float32State = counters[0] != 0;
    }
}
