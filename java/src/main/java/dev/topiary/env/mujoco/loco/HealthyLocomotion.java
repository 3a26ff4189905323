package dev.topiary.env.mujoco.loco;

import dev.topiary.env.Rng;

import java.nio.file.Path;
import java.util.Map;

/**
 * The rules Gymnasium's Hopper-v4 and Walker2d-v4 share: reward 1 (healthy) + Δx/dt − 10⁻³‖a‖², the healthy reward
 * paid on the terminal step too (as v4 does; v5 pays it only while healthy), termination when {@link #isHealthy()}
 * fails, and a start of {@code qpos0 + U(±0.005)}, {@code qvel = U(±0.005)}. Subclasses give the health predicate.
 */
abstract class HealthyLocomotion extends PlanarLocomotion {
    static final double CONTROL_TIMESTEP = 0.008;
    static final double HEALTHY_REWARD = 1.0;
    static final double CONTROL_COST = 1e-3;
    static final double RESET_NOISE = 5e-3;

    HealthyLocomotion(String kind, Path model, int nq, int nu) {
        super(kind, model, CONTROL_TIMESTEP, nq, nu, 10);
    }

    /** Gymnasium's {@code is_healthy} for this body. */
    abstract boolean isHealthy();

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
}
