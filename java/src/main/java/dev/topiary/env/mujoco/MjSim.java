package dev.topiary.env.mujoco;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * One MuJoCo model and its simulation data: loads an MJCF file, steps it, and reads and writes the arrays of
 * {@code mjModel} and {@code mjData} at the offsets of the library's {@link MujocoLayout}. Every array pointer is
 * checked to lie inside its struct's buffer when first read, so a wrong layout fails loudly instead of reading
 * stray memory. Close it to free the native model and data. Not thread-safe.
 */
public final class MjSim implements AutoCloseable {
    /** MuJoCo's joint types ({@code mjtJoint}), the same in 2.x and 3.x. */
    public static final int JOINT_FREE = 0;
    public static final int JOINT_BALL = 1;
    public static final int JOINT_SLIDE = 2;
    public static final int JOINT_HINGE = 3;
    private static final int OBJ_BODY = 1;   // mjOBJ_BODY

    private final Mujoco mj;
    private final MujocoLayout layout;
    private final Path file;
    private MemorySegment model;
    private MemorySegment data;
    private final MemorySegment modelBuffer;
    private final MemorySegment dataBuffer;
    public final int nq;
    public final int nv;
    public final int nu;
    public final int na;
    public final int nbody;
    public final int njnt;
    public final int nsensor;

    /** Loads {@code mjcf}; a missing file or a model MuJoCo rejects fails with MuJoCo's own message. */
    public MjSim(Path mjcf) {
        this(Mujoco.get(), Mujoco.get().layout, mjcf);
    }

    /** With an explicit layout: how the tests plant a wrong one. */
    MjSim(Mujoco mj, MujocoLayout layout, Path mjcf) {
        this.mj = mj;
        this.layout = layout;
        this.file = mjcf;
        if (!Files.isRegularFile(mjcf)) {
            throw new IllegalArgumentException("no MuJoCo model file at " + mjcf);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = arena.allocate(1000);
            MemorySegment m = (MemorySegment) mj.loadXml.invokeExact(arena.allocateFrom(mjcf.toString()),
                    MemorySegment.NULL, err, 1000);
            if (m.equals(MemorySegment.NULL)) {
                throw new IllegalArgumentException("MuJoCo could not load " + mjcf + ": " + err.getString(0));
            }
            this.model = m.reinterpret(layout.offset("sizeof.mjModel"));
            this.data = ((MemorySegment) mj.makeData.invokeExact(model)).reinterpret(layout.offset("sizeof.mjData"));
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("MuJoCo failed to load " + mjcf + ": " + e, e);
        }
        nq = modelInt("model.nq");
        nv = modelInt("model.nv");
        nu = modelInt("model.nu");
        na = modelInt("model.na");
        nbody = modelInt("model.nbody");
        njnt = modelInt("model.njnt");
        nsensor = modelInt("model.nsensor");
        modelBuffer = bufferOf(model, "model.buffer", modelInt("model.nbuffer"));
        dataBuffer = bufferOf(data, "data.buffer", data.get(JAVA_INT, layout.offset("data.nbuffer")));
    }

    public Path file() {
        return file;
    }

    /** The physics time step ({@code opt.timestep}) in seconds. */
    public double timestep() {
        return model.get(JAVA_DOUBLE, layout.offset("model.opt.timestep"));
    }

    /** Simulated time in seconds. */
    public double time() {
        return data.get(JAVA_DOUBLE, layout.offset("data.time"));
    }

    public void setTime(double t) {
        data.set(JAVA_DOUBLE, layout.offset("data.time"), t);
    }

    /** The number of contacts the last collision pass found. */
    public int ncon() {
        return data.get(JAVA_INT, layout.offset("data.ncon"));
    }

    /**
     * A view of the {@code count} doubles of the {@code mjData} array called {@code field} ("qpos", "xpos", ...):
     * reads and writes go straight to the simulation.
     */
    public MemorySegment dataArray(String field, long count) {
        return array(data, dataBuffer, "data." + field, count * 8);
    }

    /** A view of an {@code mjModel} array of {@code bytes} bytes. */
    public MemorySegment modelArray(String field, long bytes) {
        return array(model, modelBuffer, "model." + field, bytes);
    }

    /** A copy of the {@code count} doubles of {@code mjData.field}. */
    public double[] get(String field, int count) {
        return dataArray(field, count).toArray(JAVA_DOUBLE);
    }

    /** Writes {@code values} into {@code mjData.field}. */
    public void set(String field, double[] values) {
        MemorySegment.copy(values, 0, dataArray(field, values.length), JAVA_DOUBLE, 0, values.length);
    }

    public double[] qpos0() {
        return modelArray("qpos0", nq * 8L).toArray(JAVA_DOUBLE);
    }

    public int jointType(int j) {
        return modelArray("jnt_type", njnt * 4L).getAtIndex(JAVA_INT, j);
    }

    public int jointQposAddress(int j) {
        return modelArray("jnt_qposadr", njnt * 4L).getAtIndex(JAVA_INT, j);
    }

    public boolean jointLimited(int j) {
        return modelArray("jnt_limited", njnt).get(JAVA_BYTE, j) != 0;
    }

    /** {lower, upper} of joint {@code j}. */
    public double[] jointRange(int j) {
        MemorySegment r = modelArray("jnt_range", njnt * 16L);
        return new double[]{r.getAtIndex(JAVA_DOUBLE, 2L * j), r.getAtIndex(JAVA_DOUBLE, 2L * j + 1)};
    }

    /** {lower, upper} of actuator {@code a}'s control, or ±∞ when it is not limited. */
    public double[] controlRange(int a) {
        if (modelArray("actuator_ctrllimited", nu).get(JAVA_BYTE, a) == 0) {
            return new double[]{Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
        }
        MemorySegment r = modelArray("actuator_ctrlrange", nu * 16L);
        return new double[]{r.getAtIndex(JAVA_DOUBLE, 2L * a), r.getAtIndex(JAVA_DOUBLE, 2L * a + 1)};
    }

    /** The id of the body called {@code name}, or an exception naming the model. */
    public int bodyId(String name) {
        return id(OBJ_BODY, "body", name);
    }

    /** The id of the sensor called {@code name}, or an exception naming the model. */
    public int sensorId(String name) {
        return id((int) layout.offset("enum.mjOBJ_SENSOR"), "sensor", name);
    }

    /** A live view of sensor {@code id}'s readings in {@code sensordata} ({@code sensor_dim} doubles). */
    public MemorySegment sensorData(int id) {
        int adr = modelArray("sensor_adr", nsensor * 4L).getAtIndex(JAVA_INT, id);
        int dim = modelArray("sensor_dim", nsensor * 4L).getAtIndex(JAVA_INT, id);
        int total = modelInt("model.nsensordata");
        return dataArray("sensordata", total).asSlice(adr * 8L, dim * 8L);
    }

    public int jointDofAddress(int j) {
        return modelArray("jnt_dofadr", njnt * 4L).getAtIndex(JAVA_INT, j);
    }

    /** The mass of body {@code b} and everything below it in the kinematic tree. */
    public double bodySubtreeMass(int b) {
        return modelArray("body_subtreemass", nbody * 8L).getAtIndex(JAVA_DOUBLE, b);
    }

    /** {@code opt.gravity}, m/s². */
    public double[] gravity() {
        return model.asSlice(layout.offset("model.opt.gravity"), 24).toArray(JAVA_DOUBLE);
    }

    private int id(int type, String what, String name) {
        try (Arena arena = Arena.ofConfined()) {
            int id = (int) mj.name2id.invokeExact(model, type, arena.allocateFrom(name));
            if (id < 0) {
                throw new IllegalArgumentException("the MuJoCo model " + file + " has no " + what + " called '"
                        + name + "'");
            }
            return id;
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code mj_resetData}: qpos = qpos0, everything else zero. */
    public void reset() {
        call(mj.resetData);
    }

    /** {@code mj_forward}: every derived quantity for the current state, without integrating. */
    public void forward() {
        call(mj.forward);
    }

    /**
     * {@code mj_forward} with actuation disabled ({@code mjDSBL_ACTUATION}): what DeepMind Control computes after a
     * reset, so that actuator activations drawn by the reset do not show up in the first observation's
     * accelerations and sensors.
     */
    public void forwardUnactuated() {
        long flags = layout.offset("model.opt.disableflags");
        int saved = model.get(JAVA_INT, flags);
        model.set(JAVA_INT, flags, saved | (int) layout.offset("enum.mjDSBL_ACTUATION"));
        try {
            forward();
        } finally {
            model.set(JAVA_INT, flags, saved);
        }
    }

    /** {@code mj_step}: one physics step. */
    public void step() {
        call(mj.step);
    }

    /** {@code mj_step1}: the position- and velocity-dependent half of a step (kinematics, contacts, sensors). */
    public void step1() {
        call(mj.step1);
    }

    /** {@code mj_step2}: the control-dependent half (actuation, acceleration, constraints) and integration. */
    public void step2() {
        call(mj.step2);
    }

    /** {@code mj_subtreeVel}: fills {@code subtree_linvel} and {@code subtree_angmom}. */
    public void subtreeVel() {
        call(mj.subtreeVel);
    }

    private void call(java.lang.invoke.MethodHandle h) {
        checkOpen();
        try {
            h.invokeExact(model, data);
        } catch (Throwable e) {
            throw new IllegalStateException("MuJoCo call failed: " + e, e);
        }
    }

    @Override
    public void close() {
        if (data != null) {
            try {
                mj.deleteData.invokeExact(data);
                mj.deleteModel.invokeExact(model);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            } finally {
                data = null;
                model = null;
            }
        }
    }

    private int modelInt(String key) {
        return model.get(JAVA_INT, layout.offset(key));
    }

    private MemorySegment bufferOf(MemorySegment struct, String key, long bytes) {
        return struct.get(ADDRESS, layout.offset(key)).reinterpret(bytes);
    }

    private MemorySegment array(MemorySegment struct, MemorySegment buffer, String key, long bytes) {
        checkOpen();
        MemorySegment p = struct.get(ADDRESS, layout.offset(key));
        long start = p.address() - buffer.address();
        if (bytes > 0 && (start < 0 || start + bytes > buffer.byteSize())) {
            throw new IllegalStateException("MuJoCo field " + key + " points outside its buffer: the struct layout ("
                    + layout.source() + ") does not match the library " + mj.library() + "; regenerate it with "
                    + "ci/mujoco-layout.sh");
        }
        return buffer.asSlice(Math.max(start, 0), bytes);
    }

    private void checkOpen() {
        if (data == null) {
            throw new IllegalStateException("this MjSim is closed");
        }
    }

}
