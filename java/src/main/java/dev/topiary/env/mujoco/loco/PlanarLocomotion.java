package dev.topiary.env.mujoco.loco;

import dev.topiary.env.Box;
import dev.topiary.env.Rng;
import dev.topiary.env.Space;
import dev.topiary.env.mujoco.Mujoco;
import dev.topiary.env.mujoco.MjcfResources;
import dev.topiary.env.mujoco.MujocoTask;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the Gymnasium-style planar locomotion tasks share ({@link Hopper}, {@link Walker2d}, {@link HalfCheetah}): a
 * model whose first three joints are rootx, rootz, rooty, the observation {@code qpos[1:]} then {@code qvel}
 * (optionally clipped), and the forward reward, the root's x displacement over the step divided by the step's
 * duration, as Gymnasium's v4 tasks compute it from {@code qpos[0]} before and after the step.
 *
 * <p>The control cost is charged on the control actually applied (the action clipped to [−1, 1]); Gymnasium charges
 * the unclipped action, which differs only for actions outside the action space.
 */
public abstract class PlanarLocomotion extends MujocoTask {
    /** Where the project's own models live on the classpath. */
    static final String MODELS = "/dev/topiary/env/mujoco/loco/models/";

    private final double clipVelocity;
    private final Box observationSpace;
    private double xBefore;

    /**
     * @param kind            the task's name
     * @param model           the MJCF file
     * @param controlTimestep seconds per action (Gymnasium's {@code dt}: the model's step × frame skip)
     * @param nq              generalised coordinates the task expects (nv = nq for these planar models)
     * @param nu              motors the task expects
     * @param clipVelocity    observed velocities are clipped to ±this (∞ for none)
     */
    protected PlanarLocomotion(String kind, Path model, double controlTimestep, int nq, int nu, double clipVelocity) {
        super(kind, model, controlTimestep);
        if (sim.nq != nq || sim.nv != nq || sim.nu != nu) {
            int gotNq = sim.nq, gotNv = sim.nv, gotNu = sim.nu;
            sim.close();
            throw new IllegalArgumentException(model + " does not fit " + kind + ": nq, nv, nu = " + gotNq + ", "
                    + gotNv + ", " + gotNu + " (expected " + nq + ", " + nq + ", " + nu + ")");
        }
        this.clipVelocity = clipVelocity;
        this.observationSpace = Box.uniform(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 2 * nq - 1);
    }

    /** The project's model {@code name} from the classpath, once MuJoCo is known to load. */
    static Path bundledModel(String name) {
        Mujoco.get();   // a missing library is the likelier problem: report it before anything else
        return MjcfResources.file(MODELS + name);
    }

    @Override
    public Space observationSpace() {
        return observationSpace;
    }

    /** Seconds per action: the forward reward's denominator. */
    public double controlTimestep() {
        return sim.timestep() * substeps();
    }

    @Override
    protected void beforeStep() {
        xBefore = sim.get("qpos", 1)[0];
    }

    @Override
    protected double[] observation() {
        double[] qpos = sim.get("qpos", sim.nq);
        double[] qvel = sim.get("qvel", sim.nv);
        double[] obs = new double[observationSpace.flatSize()];
        System.arraycopy(qpos, 1, obs, 0, qpos.length - 1);
        for (int i = 0; i < qvel.length; i++) {
            obs[qpos.length - 1 + i] = Math.min(Math.max(qvel[i], -clipVelocity), clipVelocity);
        }
        return obs;
    }

    /** (x after − x before) / dt of the step just taken, with x = {@code qpos[0]}; records it in {@code info}. */
    protected double forwardVelocity(Map<String, Object> info) {
        double x = sim.get("qpos", 1)[0];
        double v = (x - xBefore) / controlTimestep();
        info.put("x_position", x);
        info.put("x_velocity", v);
        return v;
    }

    /** ‖ctrl‖² of the control applied in the step just taken. */
    protected double squaredControl() {
        double s = 0;
        for (double c : sim.get("ctrl", sim.nu)) {
            s += c * c;
        }
        return s;
    }

    /** Gymnasium's Hopper and Walker2d start: {@code qpos0 + U(±scale)} and {@code qvel = U(±scale)}. */
    protected void addUniformNoise(Rng rng, double scale) {
        double[] qpos = sim.get("qpos", sim.nq);
        double[] qvel = sim.get("qvel", sim.nv);
        for (int i = 0; i < qpos.length; i++) {
            qpos[i] += rng.uniform(-scale, scale);
        }
        for (int i = 0; i < qvel.length; i++) {
            qvel[i] += rng.uniform(-scale, scale);
        }
        sim.set("qpos", qpos);
        sim.set("qvel", qvel);
    }
}
