package dev.topiary.env.mujoco.loco;

import dev.topiary.env.Rng;

import java.nio.file.Path;
import java.util.Map;

/**
 * Gymnasium's HalfCheetah-v4 task on Topiary's own half-cheetah ({@code models/half_cheetah.xml}): 6 motors (back
 * leg, then front), 5 physics steps of 0.01 s per action with MuJoCo's default Euler integrator, as Gymnasium's model
 * uses (its Hopper and Walker2d use RK4).
 *
 * <ul>
 *   <li>Observation (17): {@code qpos[1:]} (8) and {@code qvel} (9), not clipped.</li>
 *   <li>Reward: Δx/dt − 0.1‖a‖².</li>
 *   <li>Never terminates; only the 1000-step limit ends an episode.</li>
 *   <li>Start: {@code qpos0 + U(±0.1)}, {@code qvel = 0.1·N(0, 1)}.</li>
 * </ul>
 */
public final class HalfCheetah extends PlanarLocomotion {
    public static final String MODEL = "half_cheetah.xml";
    static final double CONTROL_TIMESTEP = 0.05;
    static final double CONTROL_COST = 0.1;
    static final double RESET_NOISE = 0.1;

    /** On the project's model. */
    public HalfCheetah() {
        this(bundledModel(MODEL));
    }

    /** On another half-cheetah model with the same joints and motors. */
    public HalfCheetah(Path model) {
        super("half_cheetah", model, CONTROL_TIMESTEP, 9, 6, Double.POSITIVE_INFINITY);
    }

    @Override
    protected void initializeEpisode(Rng rng) {
        double[] qpos = sim.get("qpos", sim.nq);
        double[] qvel = new double[sim.nv];
        for (int i = 0; i < qpos.length; i++) {
            qpos[i] += rng.uniform(-RESET_NOISE, RESET_NOISE);
        }
        for (int i = 0; i < qvel.length; i++) {
            qvel[i] = RESET_NOISE * rng.normal();
        }
        sim.set("qpos", qpos);
        sim.set("qvel", qvel);
    }

    @Override
    protected double reward(Map<String, Object> info) {
        double forward = forwardVelocity(info);
        double control = CONTROL_COST * squaredControl();
        info.put("reward_run", forward);
        info.put("reward_ctrl", -control);
        return forward - control;
    }
}
