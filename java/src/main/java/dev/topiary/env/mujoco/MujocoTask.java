package dev.topiary.env.mujoco;

import dev.topiary.env.Box;
import dev.topiary.env.Env;
import dev.topiary.env.EnvState;
import dev.topiary.env.ResetResult;
import dev.topiary.env.Rng;
import dev.topiary.env.Space;
import dev.topiary.env.StepResult;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;

/**
 * What every MuJoCo task shares: the simulation, the seeded random stream, the control step of {@code substeps}
 * physics steps, action checks and clipping, and the exact state for a checkpoint. Subclasses draw the initial
 * state and define the observation, reward and termination.
 *
 * <p>A control step sets {@code ctrl} and runs {@code mj_step2}, {@code substeps − 1} × {@code mj_step}, then
 * {@code mj_step1}: the same physics as {@code substeps} plain steps, but positions, velocities and everything
 * derived from them (body frames, contacts, sensors) describe the new state when the observation is read, as
 * DeepMind Control's stepping does.
 *
 * <p>The checkpointed state is {@code qpos}, {@code qvel}, {@code act}, {@code ctrl}, {@code qacc_warmstart} (the
 * solver's warm start, without which a resumed run drifts in the last bits), {@code time} and the random stream;
 * restoring it and re-running {@code mj_step1} continues bit for bit. The saved {@code qpos} is the one the last
 * {@code mj_step1} (or {@code mj_forward}) was given, not its result: MuJoCo renormalises the quaternions of
 * {@code qpos} in place there, and renormalising an already normalised quaternion can move its last bit, so
 * re-running it on its own output would not reproduce the run.
 */
public abstract class MujocoTask implements Env {
    protected final MjSim sim;
    private final String kind;
    private final int substeps;
    private final Box actionSpace;
    private final double[] ctrlLow;
    private final double[] ctrlHigh;
    private final double[] qposIn;   // qpos as the last mj_step1 / mj_forward received it
    private Rng rng;
    private boolean started;

    /**
     * @param kind            the task's name (for messages and checkpoints)
     * @param model           the MJCF file
     * @param controlTimestep seconds per control step; a whole multiple of the model's time step
     */
    protected MujocoTask(String kind, Path model, double controlTimestep) {
        this.kind = kind;
        this.sim = new MjSim(model);
        double ratio = controlTimestep / sim.timestep();
        this.substeps = (int) Math.round(ratio);
        if (substeps < 1 || Math.abs(ratio - substeps) > 1e-6) {
            sim.close();
            throw new IllegalArgumentException(kind + ": the control step " + controlTimestep + " s is not a whole "
                    + "multiple of the model's time step " + sim.timestep() + " s (" + model + ")");
        }
        ctrlLow = new double[sim.nu];
        ctrlHigh = new double[sim.nu];
        for (int a = 0; a < sim.nu; a++) {
            double[] r = sim.controlRange(a);
            ctrlLow[a] = r[0];
            ctrlHigh[a] = r[1];
        }
        actionSpace = Box.of(ctrlLow.clone(), ctrlHigh.clone());
        qposIn = new double[sim.nq];
    }

    /** Physics steps per control step. */
    public int substeps() {
        return substeps;
    }

    public MjSim sim() {
        return sim;
    }

    @Override
    public Space actionSpace() {
        return actionSpace;
    }

    @Override
    public final ResetResult reset(OptionalLong seed, Map<String, ?> options) {
        if (seed != null && seed.isPresent()) {
            rng = Rng.seeded(seed.getAsLong());
        } else if (rng == null) {
            rng = Rng.seeded(new SecureRandom().nextLong());   // a reproducible run always passes a seed
        }
        sim.reset();
        initializeEpisode(rng);
        keepQposIn();
        forwardAfterReset();
        updateDerived();
        started = true;
        return new ResetResult(observation(), Map.of());
    }

    @Override
    public final StepResult step(double[] action) {
        if (!started) {
            throw new IllegalStateException(kind + ": call reset() before step()");
        }
        if (action == null || action.length != sim.nu) {
            throw new IllegalArgumentException(kind + ": an action is " + sim.nu + " numbers in " + actionSpace
                    + ", got " + (action == null ? "null" : action.length + " numbers"));
        }
        double[] ctrl = new double[sim.nu];
        for (int a = 0; a < ctrl.length; a++) {
            if (!Double.isFinite(action[a])) {
                throw new IllegalArgumentException(kind + ": action[" + a + "] = " + action[a] + " is not finite");
            }
            ctrl[a] = Math.min(Math.max(action[a], ctrlLow[a]), ctrlHigh[a]);
        }
        beforeStep();
        sim.set("ctrl", ctrl);
        sim.step2();
        for (int i = 1; i < substeps; i++) {
            sim.step();
        }
        keepQposIn();
        sim.step1();
        checkFinite();
        updateDerived();
        double[] obs = observation();
        Map<String, Object> info = new LinkedHashMap<>();
        double reward = reward(info);
        return new StepResult(obs, reward, terminated(), false, info);
    }

    /** Sets the initial state after {@code mj_resetData} (MuJoCo's {@code mj_forward} runs afterwards). */
    protected abstract void initializeEpisode(Rng rng);

    /** Computes the initial state's derived quantities; DeepMind Control's dog does it without actuation. */
    protected void forwardAfterReset() {
        sim.forward();
    }

    /** The observation of the current state. */
    protected abstract double[] observation();

    /** The reward of the last transition, evaluated on the new state; terms may go into {@code info}. */
    protected abstract double reward(Map<String, Object> info);

    /**
     * Called at the start of every step, before the action is applied, on the state the last observation showed:
     * where a task that rewards progress reads the position it measures from.
     */
    protected void beforeStep() {
    }

    /** Computes what the observation and reward read beyond {@code mj_step1}'s output (e.g. {@code mj_subtreeVel}). */
    protected void updateDerived() {
    }

    /** Whether the new state is terminal (the DeepMind Control tasks never are). */
    protected boolean terminated() {
        return false;
    }

    private void keepQposIn() {
        MemorySegment.copy(sim.dataArray("qpos", sim.nq), JAVA_DOUBLE, 0, qposIn, 0, sim.nq);
    }

    private void checkFinite() {
        for (String field : new String[]{"qpos", "qvel"}) {
            double[] v = sim.get(field, field.equals("qpos") ? sim.nq : sim.nv);
            for (double x : v) {
                if (!Double.isFinite(x)) {
                    throw new IllegalStateException(kind + ": the simulation diverged (" + field + " holds " + x
                            + " at t = " + sim.time() + " s); the actions may be too large for the model");
                }
            }
        }
    }

    @Override
    public Optional<EnvState> saveState() {
        Map<String, double[]> reals = new LinkedHashMap<>();
        reals.put("qpos", qposIn.clone());
        reals.put("qvel", sim.get("qvel", sim.nv));
        reals.put("act", sim.get("act", sim.na));
        reals.put("ctrl", sim.get("ctrl", sim.nu));
        reals.put("qacc_warmstart", sim.get("qacc_warmstart", sim.nv));
        reals.put("time", new double[]{sim.time()});
        Map<String, long[]> integers = new LinkedHashMap<>();
        integers.put("rng", rng == null ? new long[0] : rng.state());
        integers.put("started", new long[]{started ? 1 : 0});
        return Optional.of(new EnvState(kind, reals, integers, null));
    }

    @Override
    public void restoreState(EnvState state) {
        state.expect(kind);
        double[] qpos = sized(state, "qpos", sim.nq);
        double[] qvel = sized(state, "qvel", sim.nv);
        double[] act = sized(state, "act", sim.na);
        double[] ctrl = sized(state, "ctrl", sim.nu);
        double[] warm = sized(state, "qacc_warmstart", sim.nv);
        double time = sized(state, "time", 1)[0];
        long[] rngState = state.integer("rng");
        boolean wasStarted = state.integer("started")[0] != 0;
        sim.reset();
        sim.set("qpos", qpos);
        sim.set("qvel", qvel);
        sim.set("act", act);
        sim.set("ctrl", ctrl);
        sim.set("qacc_warmstart", warm);
        sim.setTime(time);
        System.arraycopy(qpos, 0, qposIn, 0, qpos.length);
        sim.step1();
        updateDerived();
        rng = rngState.length == 0 ? null : Rng.fromState(rngState);
        started = wasStarted;
    }

    private double[] sized(EnvState state, String name, int n) {
        double[] v = state.real(name);
        if (v.length != n) {
            throw new IllegalArgumentException(kind + ": the saved " + name + " has " + v.length + " numbers but "
                    + sim.file() + " needs " + n + "; was the state saved with another model?");
        }
        return v;
    }

    @Override
    public void close() {
        sim.close();
    }

    @Override
    public String toString() {
        return kind + " (" + sim.file() + ", " + substeps + " × " + sim.timestep() + " s per step, action "
                + Arrays.toString(new int[]{sim.nu}) + ")";
    }
}
