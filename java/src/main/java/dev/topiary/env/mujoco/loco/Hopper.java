package dev.topiary.env.mujoco.loco;

import java.nio.file.Path;

/**
 * Gymnasium's Hopper-v4 task on Topiary's own hopper model ({@code models/hopper.xml}): 3 motors, 4 physics steps of
 * 0.002 s (RK4) per action.
 *
 * <ul>
 *   <li>Observation (11): {@code qpos[1:]} (torso height, torso angle, three joint angles) and {@code qvel} (6)
 *       clipped to ±10.</li>
 *   <li>Reward: 1 (healthy) + Δx/dt − 10⁻³‖a‖². As in v4 the healthy reward is paid on the terminal step too
 *       (v5 pays it only while healthy).</li>
 *   <li>Terminates when unhealthy: any of {@code qpos[2:]}, {@code qvel} outside (−100, 100), the torso's height
 *       {@code qpos[1]} not above 0.7, or its angle {@code qpos[2]} outside (−0.2, 0.2).</li>
 *   <li>Start: {@code qpos0 + U(±0.005)}, {@code qvel = U(±0.005)}.</li>
 * </ul>
 */
public final class Hopper extends HealthyLocomotion {
    public static final String MODEL = "hopper.xml";
    static final double HEALTHY_STATE = 100;
    static final double HEALTHY_Z = 0.7;
    static final double HEALTHY_ANGLE = 0.2;

    /** On the project's model. */
    public Hopper() {
        this(bundledModel(MODEL));
    }

    /** On another hopper model with the same joints and motors. */
    public Hopper(Path model) {
        super("hopper", model, 6, 3);
    }

    /** Gymnasium's {@code is_healthy}: every bound is strict. */
    @Override
    boolean isHealthy() {
        double[] qpos = sim.get("qpos", sim.nq);
        double[] qvel = sim.get("qvel", sim.nv);
        for (int i = 2; i < qpos.length; i++) {
            if (!(Math.abs(qpos[i]) < HEALTHY_STATE)) {
                return false;
            }
        }
        for (double v : qvel) {
            if (!(Math.abs(v) < HEALTHY_STATE)) {
                return false;
            }
        }
        return qpos[1] > HEALTHY_Z && Math.abs(qpos[2]) < HEALTHY_ANGLE;
    }
}
