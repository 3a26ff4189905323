package dev.topiary.env.mujoco.loco;

import java.nio.file.Path;

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
public final class Walker2d extends HealthyLocomotion {
    public static final String MODEL = "walker2d.xml";
    static final double MIN_Z = 0.8;
    static final double MAX_Z = 2.0;
    static final double HEALTHY_ANGLE = 1.0;

    /** On the project's model. */
    public Walker2d() {
        this(bundledModel(MODEL));
    }

    /** On another walker model with the same joints and motors. */
    public Walker2d(Path model) {
        super("walker2d", model, 9, 6);
    }

    /** Gymnasium's {@code is_healthy}: both ranges are open. */
    @Override
    boolean isHealthy() {
        double[] qpos = sim.get("qpos", 3);
        return qpos[1] > MIN_Z && qpos[1] < MAX_Z && qpos[2] > -HEALTHY_ANGLE && qpos[2] < HEALTHY_ANGLE;
    }
}
