package dev.topiary.env.mujoco;

import dev.topiary.env.Box;
import dev.topiary.env.Rng;
import dev.topiary.env.Space;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static dev.topiary.env.mujoco.Tolerance.Sigmoid.LINEAR;
import static dev.topiary.env.mujoco.Tolerance.Sigmoid.QUADRATIC;

/**
 * DeepMind Control's humanoid-stand, -walk and -run: 21 motors, control step 0.025 s (5 physics steps of 0.005 s),
 * never terminates (the registry cuts at 1000 control steps, 500 agent steps with MR.Q's action repeat 2).
 *
 * <p>Observation (67, in DeepMind Control's order): joint angles {@code qpos[7:]} (21), head height (1), hands and
 * feet relative to the torso in the torso frame (left hand, left foot, right hand, right foot: 12), the torso's
 * z-axis in world coordinates (3), the centre-of-mass velocity of the torso's subtree from {@code mj_subtreeVel}
 * (3), {@code qvel} (27).
 *
 * <p>Reward in [0, 1]: {@code standing · upright · small_control · move} with standing = tol(head z, [1.4, ∞),
 * margin 0.35), upright = tol(torso zz, [0.9, ∞), linear, margin 1.9, 0), small_control = (4 + mean tol(ctrl, 0,
 * quadratic, margin 1, 0)) / 5; move = mean tol(CoM v_xy, 0, margin 2) to stand, else (5 · tol(|CoM v_xy|, [s, ∞),
 * linear, margin s, 0) + 1) / 6 with s = 1 (walk) or 10 (run).
 *
 * <p>Episodes start from random joint angles and a random root orientation, redrawn until nothing touches
 * ({@code ncon = 0}). Runs on Debian's {@code libmujoco-samples} humanoid (same joints and motors as DeepMind
 * Control's, without its sensors, hence {@code mj_subtreeVel}) or on dm_control's own {@code humanoid.xml}.
 */
public final class DmcHumanoid extends MujocoTask {
    public static final double CONTROL_TIMESTEP = 0.025;
    static final double STAND_HEIGHT = 1.4;
    static final int OBSERVATION_SIZE = 67;
    private static final int MAX_RESET_DRAWS = 10_000;

    /** The three tasks and their target horizontal speed. */
    public enum Variant {
        STAND(0), WALK(1), RUN(10);
        final double speed;

        Variant(double speed) {
            this.speed = speed;
        }

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Variant variant;
    private final int head;
    private final int torso;
    private final int[] extremities;
    private final MemorySegment xpos;
    private final MemorySegment xmat;
    private final MemorySegment subtreeLinvel;
    private final Box observationSpace;

    public DmcHumanoid(Variant variant, Path model) {
        super("humanoid-" + variant.id(), model, CONTROL_TIMESTEP);
        this.variant = variant;
        if (sim.nq != 28 || sim.nv != 27 || sim.nu != 21) {
            int nq = sim.nq, nv = sim.nv, nu = sim.nu;
            sim.close();
            throw new IllegalArgumentException(model + " is not DeepMind Control's humanoid: nq, nv, nu = " + nq
                    + ", " + nv + ", " + nu + " (expected 28, 27, 21)");
        }
        head = sim.bodyId("head");
        torso = sim.bodyId("torso");
        extremities = new int[]{sim.bodyId("left_hand"), sim.bodyId("left_foot"), sim.bodyId("right_hand"),
                sim.bodyId("right_foot")};
        xpos = sim.dataArray("xpos", 3L * sim.nbody);
        xmat = sim.dataArray("xmat", 9L * sim.nbody);
        subtreeLinvel = sim.dataArray("subtree_linvel", 3L * sim.nbody);
        observationSpace = Box.uniform(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, OBSERVATION_SIZE);
    }

    public Variant variant() {
        return variant;
    }

    @Override
    public Space observationSpace() {
        return observationSpace;
    }

    @Override
    protected void initializeEpisode(Rng rng) {
        for (int draw = 0; draw < MAX_RESET_DRAWS; draw++) {
            JointRandomizer.randomize(sim, rng);
            sim.forward();
            if (sim.ncon() == 0) {
                return;
            }
        }
        throw new IllegalStateException("humanoid: no contact-free initial pose in " + MAX_RESET_DRAWS + " draws; "
                + "is " + sim.file() + " DeepMind Control's humanoid?");
    }

    @Override
    protected void updateDerived() {
        sim.subtreeVel();   // the Debian model has no subtreelinvel sensor, so the velocity is computed on demand
    }

    @Override
    protected double[] observation() {
        double[] obs = new double[OBSERVATION_SIZE];
        double[] qpos = sim.get("qpos", sim.nq);
        int k = 0;
        for (int i = 7; i < sim.nq; i++) {
            obs[k++] = qpos[i];
        }
        obs[k++] = pos(head, 2);
        for (int body : extremities) {
            for (int col = 0; col < 3; col++) {   // (x_limb − x_torso) · R_torso: the offset in the torso's frame
                double s = 0;
                for (int row = 0; row < 3; row++) {
                    s += (pos(body, row) - pos(torso, row)) * mat(torso, 3 * row + col);
                }
                obs[k++] = s;
            }
        }
        for (int i = 6; i < 9; i++) {
            obs[k++] = mat(torso, i);
        }
        for (int i = 0; i < 3; i++) {
            obs[k++] = comVelocity(i);
        }
        double[] qvel = sim.get("qvel", sim.nv);
        System.arraycopy(qvel, 0, obs, k, qvel.length);
        return obs;
    }

    @Override
    protected double reward(Map<String, Object> info) {
        double standing = Tolerance.of(pos(head, 2), STAND_HEIGHT, Double.POSITIVE_INFINITY, STAND_HEIGHT / 4);
        double upright = Tolerance.of(mat(torso, 8), 0.9, Double.POSITIVE_INFINITY, 1.9, LINEAR, 0);
        double[] ctrl = sim.get("ctrl", sim.nu);
        double control = 0;
        for (double c : ctrl) {
            control += Tolerance.of(c, 0, 0, 1, QUADRATIC, 0);
        }
        double smallControl = (4 + control / ctrl.length) / 5;
        double vx = comVelocity(0);
        double vy = comVelocity(1);
        double move;
        if (variant.speed == 0) {
            move = (Tolerance.of(vx, 0, 0, 2) + Tolerance.of(vy, 0, 0, 2)) / 2;
        } else {
            double m = Tolerance.of(Math.hypot(vx, vy), variant.speed, Double.POSITIVE_INFINITY, variant.speed,
                    LINEAR, 0);
            move = (5 * m + 1) / 6;
        }
        info.put("standing", standing);
        info.put("upright", upright);
        info.put("small_control", smallControl);
        info.put("move", move);
        return standing * upright * smallControl * move;
    }

    double headHeight() {
        return pos(head, 2);
    }

    double comVelocity(int axis) {
        return subtreeLinvel.getAtIndex(JAVA_DOUBLE, 3L * torso + axis);
    }

    private double pos(int body, int axis) {
        return xpos.getAtIndex(JAVA_DOUBLE, 3L * body + axis);
    }

    private double mat(int body, int index) {
        return xmat.getAtIndex(JAVA_DOUBLE, 9L * body + index);
    }
}
