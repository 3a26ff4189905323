package dev.topiary.env.mujoco.loco;

import dev.topiary.env.Rng;

import java.nio.file.Path;
import java.util.Map;

/**
 * Gymnasium's Walker2d-v4 task on Topiary's own biped ({@code models/walker2d.xml}): 6 motors (right leg, then
 * left), 4 physics steps of 0.002 s (RK4) per action.
 *
 * <ul>
 *   <li>Observation (17): {@code qpos[1:]} (8) and {@code qvel} (9) clipped to ±10.</li>
 *   <li>Reward: 1 (healthy) + Δx/dt − 10⁻³‖a‖², the healthy reward paid on the terminal step too, as in v4.</li>
 *   <li>Terminates when unhealthy: the torso's height {@code qpos[1]} outside (0.8, 2.0) or its angle
 *       {@code qpos[2]} outside (−1, 1).</li>
 *   <li>Start: {@code qpos0 + U(±0.005)}, {@code qvel = U(±0.005)}.</li>
 * </ul>
 */
public final class Walker2d extends PlanarLocomotion {
    public static final String MODEL = "walker2d.xml";
    static final double CONTROL_TIMESTEP = 0.008;
    static final double HEALTHY_REWARD = 1.0;
    static final double CONTROL_COST = 1e-3;
    static final double RESET_NOISE = 5e-3;
    static final double MIN_Z = 0.8;
    static final double MAX_Z = 2.0;
    static final double HEALTHY_ANGLE = 1.0;

    /** On the project's model. */
    public Walker2d() {
        this(bundledModel(MODEL));
    }

    /** On another walker model with the same joints and motors. */
    public Walker2d(Path model) {
        super("walker2d", model, CONTROL_TIMESTEP, 9, 6, 10);
    }

    @Override
    protected void initializeEpisode(Rng rng) {
        addUniformNoise(rng, RESET_NOISE);
    }

    @Override
    protected double reward(Map<String, Object> info) {
        double forward = forwardVelocity(info);
        double control = CONTROL_COST * squaredControl();
        info.put("reward_forward", forward);
        info.put("reward_ctrl", -control);
        info.put("reward_survive", HEALTHY_REWARD);
        return forward + HEALTHY_REWARD - control;
    }

    @Override
    protected boolean terminated() {
        return !isHealthy();
    }

    /** Gymnasium's {@code is_healthy}: both ranges are open. */
    boolean isHealthy() {
        double[] qpos = sim.get("qpos", 3);
        return qpos[1] > MIN_Z && qpos[1] < MAX_Z && qpos[2] > -HEALTHY_ANGLE && qpos[2] < HEALTHY_ANGLE;
    }
}
