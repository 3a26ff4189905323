package dev.topiary.env.mujoco;

import dev.topiary.env.Box;
import dev.topiary.env.Rng;
import dev.topiary.env.Space;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.topiary.env.mujoco.Tolerance.Sigmoid.LINEAR;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;

/**
 * DeepMind Control's dog-stand, -walk, -trot and -run on dm_control's own {@code suite/dog.xml} (MuJoCo 3.x; 38
 * actuators with first-order activation, control step 0.015 s = 3 physics steps of 0.005 s, 1000 control steps, no
 * early termination; 500 agent steps with MR.Q's action repeat 2). The model is never copied into this repository:
 * the user's dm_control installation provides it, edited as the tasks edit it ({@link DogModel}).
 *
 * <p>Observation, in DeepMind Control's order (223 numbers on dm_control's dog): the hinge joints' angles and
 * velocities, the heights of torso and pelvis, the world-z row of the skull's, torso's and pelvis's frames (9), the
 * centre-of-mass velocity of the torso's subtree ({@code torso_linvel}) in the torso's frame (3), the head's
 * accelerometer, velocimeter and gyro (9), the force sensors at both feet and hands (12), the four touch sensors
 * (palms, soles), and the actuator activations {@code act}.
 *
 * <p>Reward in [0, 1], a product of factors: torso and pelvis height, each tol(z, [0.9·z₀, ∞), margin 0.9·z₀)
 * with z₀ the height in the default pose; upright, tol(zz, [cos 30°, ∞), linear, margin cos 30° + 1, 0) for each
 * of skull, torso and pelvis; touch, tol(Σ touch, [W, ∞), linear, margin W, 0.9) with W the dog's weight; and for
 * the moving tasks (4·tol(v_fwd, [s, 2s], linear, margin max(1, s), 0) + 1) / 5, v_fwd the forward component of
 * that velocity, s = 1 (walk), 3 (trot), 9 (run).
 *
 * <p>Episodes start from the default pose with a uniformly random heading, root velocities x, y and yaw each
 * 2·N(0, 1), and every activation uniform in its actuator's control range; the first observation is computed with
 * actuation disabled, as DeepMind Control's reset does. The random numbers come from Topiary's seeded stream, not
 * NumPy's, so a seed gives other episodes than in dm_control: the distribution is the same.
 */
public final class DmcDog extends MujocoTask {
    public static final double CONTROL_TIMESTEP = 0.015;
    /** dm_control's episode length in seconds; the floor is sized for the target speed over it. */
    static final double TIME_LIMIT = 15;
    static final double STAND_HEIGHT_FRACTION = 0.9;
    static final double MIN_UPRIGHT_COSINE = Math.cos(Math.toRadians(30));
    static final List<String> FOOT_FORCES = List.of("foot_L", "foot_R", "hand_L", "hand_R");
    static final List<String> TOUCHES = List.of("palm_L", "palm_R", "sole_L", "sole_R");
    static final List<String> INERTIAL = List.of("accelerometer", "velocimeter", "gyro");

    /** The four tasks: target forward speed (m/s; 0 = stand) and the speed the floor is sized for. */
    public enum Variant {
        STAND(0, 1), WALK(1, 1), TROT(3, 3), RUN(9, 9);
        final double speed;
        final double floorSpeed;

        Variant(double speed, double floorSpeed) {
            this.speed = speed;
            this.floorSpeed = floorSpeed;
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Half the floor's side, as dm_control sizes it: the distance the target speed covers in 15 s. */
        public double floorSize() {
            return floorSpeed * TIME_LIMIT;
        }
    }

    private final Variant variant;
    private final Path source;
    private final int torso;
    private final int pelvis;
    private final int[] uprightBodies;
    private final int rootQpos;
    private final int rootDof;
    private final int[] hingeQpos;
    private final int[] hingeDof;
    private final MemorySegment torsoLinvel;
    private final List<MemorySegment> inertial = new ArrayList<>();
    private final List<MemorySegment> footForces = new ArrayList<>();
    private final List<MemorySegment> touches = new ArrayList<>();
    private final MemorySegment xpos;
    private final MemorySegment xmat;
    private final double[] standHeight;
    private final double bodyWeight;
    private final Box observationSpace;

    /** Loads {@code variant} from dm_control's {@code dogXml} ({@code <dm_control>/suite/dog.xml}). */
    public static DmcDog load(Variant variant, Path dogXml) {
        Path edited = DogModel.prepare(dogXml, variant.floorSize());
        try {
            return new DmcDog(variant, edited, dogXml);
        } finally {
            try {
                Files.deleteIfExists(edited);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the temporary model " + edited, e);
            }
        }
    }

    private DmcDog(Variant variant, Path model, Path source) {
        super("dog-" + variant.id(), model, CONTROL_TIMESTEP);
        this.variant = variant;
        this.source = source;
        try {
            torso = sim.bodyId("torso");
            pelvis = sim.bodyId("pelvis");
            uprightBodies = new int[]{sim.bodyId("skull"), torso, pelvis};
            int[] root = rootJoint(source);
            rootQpos = root[0];
            rootDof = root[1];
            int hinges = 0;
            for (int j = 0; j < sim.njnt; j++) {
                hinges += sim.jointType(j) == MjSim.JOINT_HINGE ? 1 : 0;
            }
            hingeQpos = new int[hinges];
            hingeDof = new int[hinges];
            for (int j = 0, k = 0; j < sim.njnt; j++) {
                if (sim.jointType(j) == MjSim.JOINT_HINGE) {
                    hingeQpos[k] = sim.jointQposAddress(j);
                    hingeDof[k++] = sim.jointDofAddress(j);
                }
            }
            torsoLinvel = sim.sensorData(sim.sensorId("torso_linvel"));
            INERTIAL.forEach(s -> inertial.add(sim.sensorData(sim.sensorId(s))));
            FOOT_FORCES.forEach(s -> footForces.add(sim.sensorData(sim.sensorId(s))));
            TOUCHES.forEach(s -> touches.add(sim.sensorData(sim.sensorId(s))));
            checkActivations(source);
            xpos = sim.dataArray("xpos", 3L * sim.nbody);
            xmat = sim.dataArray("xmat", 9L * sim.nbody);
            sim.reset();
            sim.forwardUnactuated();
            standHeight = new double[]{STAND_HEIGHT_FRACTION * z(torso), STAND_HEIGHT_FRACTION * z(pelvis)};
            bodyWeight = -sim.gravity()[2] * sim.bodySubtreeMass(torso);
        } catch (RuntimeException e) {
            sim.close();
            throw e;
        }
        observationSpace = Box.uniform(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, observationSize());
    }

    public Variant variant() {
        return variant;
    }

    /** 2·hinges + 2 heights + 9 projections + 3 velocities + 9 inertial + 12 forces + 4 touches + activations. */
    public int observationSize() {
        return 2 * hingeQpos.length + 2 + 9 + 3 + 9 + 3 * FOOT_FORCES.size() + TOUCHES.size() + sim.na;
    }

    @Override
    public Space observationSpace() {
        return observationSpace;
    }

    @Override
    protected void initializeEpisode(Rng rng) {
        double azimuth = rng.uniform(0, 2 * Math.PI);
        MemorySegment qpos = sim.dataArray("qpos", sim.nq);
        qpos.setAtIndex(JAVA_DOUBLE, rootQpos + 3, Math.cos(azimuth / 2));
        qpos.setAtIndex(JAVA_DOUBLE, rootQpos + 4, 0);
        qpos.setAtIndex(JAVA_DOUBLE, rootQpos + 5, 0);
        qpos.setAtIndex(JAVA_DOUBLE, rootQpos + 6, Math.sin(azimuth / 2));
        MemorySegment qvel = sim.dataArray("qvel", sim.nv);
        for (int axis : new int[]{0, 1, 5}) {   // horizontal velocity and yaw rate
            qvel.setAtIndex(JAVA_DOUBLE, rootDof + axis, 2 * rng.normal());
        }
        MemorySegment act = sim.dataArray("act", sim.na);
        for (int a = 0; a < sim.nu; a++) {
            double[] range = sim.controlRange(a);
            act.setAtIndex(JAVA_DOUBLE, a, rng.uniform(range[0], range[1]));
        }
    }

    @Override
    protected void forwardAfterReset() {
        sim.forwardUnactuated();
    }

    @Override
    protected double[] observation() {
        double[] obs = new double[observationSize()];
        MemorySegment qpos = sim.dataArray("qpos", sim.nq);
        MemorySegment qvel = sim.dataArray("qvel", sim.nv);
        int k = 0;
        for (int adr : hingeQpos) {
            obs[k++] = qpos.getAtIndex(JAVA_DOUBLE, adr);
        }
        for (int adr : hingeDof) {
            obs[k++] = qvel.getAtIndex(JAVA_DOUBLE, adr);
        }
        obs[k++] = z(torso);
        obs[k++] = z(pelvis);
        for (int body : uprightBodies) {
            for (int i = 6; i < 9; i++) {   // xmat's third row: zx, zy, zz
                obs[k++] = mat(body, i);
            }
        }
        for (int axis = 0; axis < 3; axis++) {
            obs[k++] = torsoVelocity(axis);
        }
        for (List<MemorySegment> group : List.of(inertial, footForces, touches)) {
            for (MemorySegment sensor : group) {
                double[] values = sensor.toArray(JAVA_DOUBLE);
                System.arraycopy(values, 0, obs, k, values.length);
                k += values.length;
            }
        }
        double[] act = sim.get("act", sim.na);
        System.arraycopy(act, 0, obs, k, act.length);
        return obs;
    }

    @Override
    protected double reward(Map<String, Object> info) {
        double torsoHeight = Tolerance.of(z(torso), standHeight[0], Double.POSITIVE_INFINITY, standHeight[0]);
        double pelvisHeight = Tolerance.of(z(pelvis), standHeight[1], Double.POSITIVE_INFINITY, standHeight[1]);
        double upright = 1;
        for (int body : uprightBodies) {
            upright *= Tolerance.of(mat(body, 8), MIN_UPRIGHT_COSINE, Double.POSITIVE_INFINITY,
                    MIN_UPRIGHT_COSINE + 1, LINEAR, 0);
        }
        double touch = Tolerance.of(touchSum(), bodyWeight, Double.POSITIVE_INFINITY, bodyWeight, LINEAR, 0.9);
        double reward = torsoHeight * pelvisHeight * upright * touch;
        info.put("torso_height", torsoHeight);
        info.put("pelvis_height", pelvisHeight);
        info.put("upright", upright);
        info.put("touch", touch);
        if (variant.speed > 0) {
            double s = variant.speed;
            double forward = (4 * Tolerance.of(torsoVelocity(0), s, 2 * s, Math.max(1, s), LINEAR, 0) + 1) / 5;
            info.put("forward", forward);
            reward *= forward;
        }
        return reward;
    }

    /** The torso subtree's centre-of-mass velocity in the torso's frame: vᵀR. */
    double torsoVelocity(int axis) {
        double s = 0;
        for (int row = 0; row < 3; row++) {
            s += torsoLinvel.getAtIndex(JAVA_DOUBLE, row) * mat(torso, 3 * row + axis);
        }
        return s;
    }

    double touchSum() {
        double sum = 0;
        for (MemorySegment t : touches) {
            sum += t.getAtIndex(JAVA_DOUBLE, 0);
        }
        return sum;
    }

    double[] standHeight() {
        return standHeight.clone();
    }

    double bodyWeight() {
        return bodyWeight;
    }

    double z(int body) {
        return xpos.getAtIndex(JAVA_DOUBLE, 3L * body + 2);
    }

    double mat(int body, int index) {
        return xmat.getAtIndex(JAVA_DOUBLE, 9L * body + index);
    }

    int bodyId(String name) {
        return sim.bodyId(name);
    }

    /** {qpos address, dof address} of the one free joint (the root); fails when the model has another count. */
    private int[] rootJoint(Path source) {
        int[] root = null;
        for (int j = 0; j < sim.njnt; j++) {
            if (sim.jointType(j) == MjSim.JOINT_FREE) {
                if (root != null) {
                    throw notTheDog(source, "more than one free joint (was the ball left in?)");
                }
                root = new int[]{sim.jointQposAddress(j), sim.jointDofAddress(j)};
            }
        }
        if (root == null) {
            throw notTheDog(source, "no free joint at its root");
        }
        return root;
    }

    private void checkActivations(Path source) {
        if (sim.nu != sim.na) {
            throw notTheDog(source, sim.nu + " actuators but " + sim.na + " activations (each actuator needs one)");
        }
        for (int a = 0; a < sim.nu; a++) {
            double[] r = sim.controlRange(a);
            if (!Double.isFinite(r[0]) || !Double.isFinite(r[1])) {
                throw notTheDog(source, "actuator " + a + " has no control range");
            }
        }
    }

    private static IllegalArgumentException notTheDog(Path source, String why) {
        return new IllegalArgumentException(source + " is not DeepMind Control's dog: " + why);
    }

    @Override
    public String toString() {
        return "dog-" + variant.id() + " (" + source + ", " + substeps() + " × " + sim.timestep() + " s per step, "
                + sim.nu + " actuators)";
    }
}
