package dev.topiary.env.mujoco.loco;

import dev.topiary.env.Box;
import dev.topiary.env.Env;
import dev.topiary.env.EnvRegistry;
import dev.topiary.env.EnvState;
import dev.topiary.env.Rng;
import dev.topiary.env.StepResult;
import dev.topiary.env.mujoco.MjSim;
import dev.topiary.env.mujoco.MjcfResources;
import dev.topiary.env.mujoco.Mujoco;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The planar locomotion tasks on the project's models: sizes, rewards and terminations on hand-made states against
 * Gymnasium's v4 formulas computed here from the simulator's qpos, determinism for a seed, a bit-exact save and
 * restore mid-episode, and what a random policy does (hopper and walker fall, the cheetah runs out the clock).
 */
class LocomotionTest {
    private static final String HOPPER = "topiary/Hopper-v0";
    private static final String WALKER = "topiary/Walker2d-v0";
    private static final String CHEETAH = "topiary/HalfCheetah-v0";

    static void assumeMujoco() {
        assumeTrue(Mujoco.available(), "MuJoCo: not installed here");
    }

    @Test
    void theModelsHaveGymnasiumsCoordinatesMotorsTimestepsAndObservationSizes() {
        assumeMujoco();
        // id, nq (= nv), nu, observation size, physics step, steps per action
        Object[][] expected = {{HOPPER, 6, 3, 11, 0.002, 4}, {WALKER, 9, 6, 17, 0.002, 4}, {CHEETAH, 9, 6, 17, 0.01, 5}};
        for (Object[] row : expected) {
            try (Env env = EnvRegistry.make((String) row[0])) {
                PlanarLocomotion task = (PlanarLocomotion) env.unwrapped();
                MjSim sim = task.sim();
                assertEquals(row[1], sim.nq, row[0] + " nq");
                assertEquals(row[1], sim.nv, row[0] + " nv");
                assertEquals(row[2], sim.nu, row[0] + " nu");
                assertEquals(row[3], env.observationSpace().flatSize(), row[0] + " observation");
                assertEquals(row[3], env.reset(1).observation().length, row[0] + " observation");
                assertEquals((double) row[4], sim.timestep(), 0.0, row[0] + " timestep");
                assertEquals(row[5], task.substeps(), row[0] + " frame skip");
                Box a = (Box) env.actionSpace();
                assertEquals(row[2], a.flatSize());
                for (int i = 0; i < a.flatSize(); i++) {
                    assertEquals(-1.0, a.low(i));
                    assertEquals(1.0, a.high(i));
                }
            }
        }
    }

    @Test
    void theHoppersRewardIsForwardVelocityPlusOneMinusTheControlCostAndItsObservationClipsVelocities() {
        try (Hopper task = hopper()) {
            double[] qvel = {12, -0.5, 0.3, -11, 0.2, 0.1};
            at(task, task.sim().qpos0(), qvel);
            double[] obs = task.observation();
            double[] qpos = task.sim().get("qpos", 6);
            for (int i = 1; i < 6; i++) {
                assertEquals(qpos[i], obs[i - 1], 0.0, "qpos " + i);
            }
            assertArrayEquals(new double[]{10, -0.5, 0.3, -10, 0.2, 0.1}, Arrays.copyOfRange(obs, 5, 11), 0.0);

            double[] action = {0.5, -0.25, 1.0};
            double x0 = task.sim().get("qpos", 1)[0];
            StepResult r = task.step(action);
            double x1 = task.sim().get("qpos", 1)[0];
            double expected = (x1 - x0) / 0.008 + 1 - 1e-3 * (0.25 + 0.0625 + 1.0);
            assertEquals(expected, r.reward(), 1e-12);
            assertEquals((x1 - x0) / 0.008, (double) r.info().get("x_velocity"), 1e-12);
            assertTrue(x1 - x0 > 0.05, "qvel[0] = 12 moves the hopper forward: Δx = " + (x1 - x0));
        }
    }

    @Test
    void theHopperIsUnhealthyBelowZeroPointSevenBeyondAngleZeroPointTwoOrAStateOfAHundred() {
        try (Hopper task = hopper()) {
            assertTrue(healthyAt(task, pose(task, 1, 1.25), new double[6]), "the rest pose is healthy");
            assertFalse(healthyAt(task, pose(task, 1, 0.69), new double[6]), "torso too low");
            assertTrue(healthyAt(task, pose(task, 1, 0.71), new double[6]));
            assertFalse(healthyAt(task, pose(task, 2, 0.21), new double[6]), "torso tipped forward");
            assertFalse(healthyAt(task, pose(task, 2, -0.21), new double[6]), "torso tipped back");
            assertTrue(healthyAt(task, pose(task, 2, 0.19), new double[6]));
            double[] fast = new double[6];
            fast[4] = 100;
            assertFalse(healthyAt(task, pose(task, 1, 1.25), fast), "a joint velocity of 100");
            fast[4] = 99;
            assertTrue(healthyAt(task, pose(task, 1, 1.25), fast));
            fast[0] = 150;   // qvel[0] is state[6]: inside the checked state, as in Gymnasium
            assertFalse(healthyAt(task, pose(task, 1, 1.25), fast), "a forward speed of 150");
        }
    }

    @Test
    void theWalkerIsUnhealthyOutsideHeightZeroPointEightToTwoOrAngleOne() {
        assumeMujoco();
        try (Walker2d task = new Walker2d()) {
            double[] still = new double[9];
            assertTrue(healthyAt(task, pose(task, 1, 1.25), still));
            assertFalse(healthyAt(task, pose(task, 1, 0.79), still), "torso too low");
            assertFalse(healthyAt(task, pose(task, 1, 2.01), still), "torso too high");
            assertTrue(healthyAt(task, pose(task, 1, 1.99), still));
            assertFalse(healthyAt(task, pose(task, 2, 1.01), still), "torso tipped");
            assertFalse(healthyAt(task, pose(task, 2, -1.01), still), "torso tipped");
            assertTrue(healthyAt(task, pose(task, 2, 0.99), still));
            double[] fast = new double[9];
            fast[5] = 500;   // Walker2d-v4 checks no velocity bound
            assertTrue(healthyAt(task, pose(task, 1, 1.25), fast));
        }
    }

    @Test
    void theWalkerAndCheetahRewardsFollowTheirFormulasAndTheHoppersTerminalStepStillPaysTheHealthyReward() {
        assumeMujoco();
        double[] action = {0.3, -0.6, 0.9, -1.0, 0.2, 0.0};
        double squared = 0.09 + 0.36 + 0.81 + 1.0 + 0.04;
        try (Walker2d walker = new Walker2d(); HalfCheetah cheetah = new HalfCheetah()) {
            walker.reset(3);
            double x0 = walker.sim().get("qpos", 1)[0];
            StepResult w = walker.step(action);
            double x1 = walker.sim().get("qpos", 1)[0];
            assertEquals((x1 - x0) / 0.008 + 1 - 1e-3 * squared, w.reward(), 1e-12);

            cheetah.reset(3);
            x0 = cheetah.sim().get("qpos", 1)[0];
            StepResult c = cheetah.step(action);
            x1 = cheetah.sim().get("qpos", 1)[0];
            assertEquals((x1 - x0) / 0.05 - 0.1 * squared, c.reward(), 1e-12);
            assertEquals(-0.1 * squared, (double) c.info().get("reward_ctrl"), 1e-12);
        }
        try (Hopper hopper = hopper()) {
            double[] qpos = pose(hopper, 2, 0.199);
            double[] qvel = new double[6];
            qvel[2] = 5;   // tipping forward: the next step leaves (−0.2, 0.2)
            at(hopper, qpos, qvel);
            double x0 = hopper.sim().get("qpos", 1)[0];
            StepResult r = hopper.step(new double[3]);
            double x1 = hopper.sim().get("qpos", 1)[0];
            assertTrue(r.terminated(), "the torso angle is now " + hopper.sim().get("qpos", 3)[2]);
            assertEquals((x1 - x0) / 0.008 + 1, r.reward(), 1e-12, "v4 pays the healthy reward on the terminal step");
        }
    }

    @Test
    void theResetNoiseHasGymnasiumsScales() {
        assumeMujoco();
        try (Hopper hopper = new Hopper(); HalfCheetah cheetah = new HalfCheetah()) {
            double maxQpos = 0, maxQvel = 0;
            for (int episode = 0; episode < 20; episode++) {
                hopper.reset(episode);
                maxQpos = Math.max(maxQpos, maxDeviation(hopper.sim().get("qpos", 6), hopper.sim().qpos0()));
                maxQvel = Math.max(maxQvel, maxDeviation(hopper.sim().get("qvel", 6), new double[6]));
            }
            assertTrue(maxQpos <= 5e-3 && maxQpos > 4e-3, "hopper qpos noise " + maxQpos);
            assertTrue(maxQvel <= 5e-3 && maxQvel > 4e-3, "hopper qvel noise " + maxQvel);
            maxQpos = 0;
            maxQvel = 0;
            for (int episode = 0; episode < 20; episode++) {
                cheetah.reset(episode);
                maxQpos = Math.max(maxQpos, maxDeviation(cheetah.sim().get("qpos", 9), cheetah.sim().qpos0()));
                maxQvel = Math.max(maxQvel, maxDeviation(cheetah.sim().get("qvel", 9), new double[9]));
            }
            assertTrue(maxQpos <= 0.1 && maxQpos > 0.09, "cheetah qpos noise " + maxQpos);
            assertTrue(maxQvel > 0.2 && maxQvel < 0.6, "cheetah qvel noise (0.1·N(0,1), 180 draws) " + maxQvel);
        }
    }

    @Test
    void aSeedFixesTheTrajectoryBitForBitAndAnotherSeedChangesIt() {
        assumeMujoco();
        for (String id : List.of(HOPPER, WALKER, CHEETAH)) {
            List<double[]> a = rollout(id, 21, 60);
            List<double[]> b = rollout(id, 21, 60);
            List<double[]> c = rollout(id, 22, 60);
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(a.get(i), b.get(i), id + " step " + i);
            }
            assertFalse(Arrays.equals(a.get(0), c.get(0)), id + ": another seed draws another start");
        }
    }

    /** Through JSON, as a run's checkpoint stores it. */
    @Test
    void aStateSavedMidEpisodeContinuesBitForBitInAFreshEnvironment() throws Exception {
        assumeMujoco();
        ObjectMapper json = new ObjectMapper();
        for (String id : List.of(HOPPER, WALKER, CHEETAH)) {
            try (Env first = EnvRegistry.make(id); Env second = EnvRegistry.make(id)) {
                for (int savedAt : new int[]{1, 9, 23}) {
                    first.reset(8);
                    Rng actions = Rng.seeded(99);
                    for (int t = 0; t < savedAt; t++) {
                        first.step(randomAction(actions, first));
                    }
                    EnvState saved = json.readValue(json.writeValueAsString(first.saveState().orElseThrow()),
                            EnvState.class);
                    long[] actionState = actions.state();
                    List<double[]> straight = continueFor(first, actions, 15);
                    second.reset(1234);
                    second.restoreState(saved);
                    List<double[]> resumed = continueFor(second, Rng.fromState(actionState), 15);
                    for (int i = 0; i < straight.size(); i++) {
                        assertArrayEquals(straight.get(i), resumed.get(i), id + " step " + i + " after " + savedAt);
                    }
                }
            }
        }
    }

    @Test
    void aRandomPolicyFellsTheHopperAndTheWalkerButTheCheetahRunsAllThousandSteps() {
        assumeMujoco();
        for (String id : List.of(HOPPER, WALKER, CHEETAH)) {
            try (Env env = EnvRegistry.make(id)) {
                env.reset(5);
                Rng actions = Rng.seeded(6);
                int steps = 0;
                StepResult r;
                do {
                    r = env.step(randomAction(actions, env));
                    steps++;
                } while (!r.endsEpisode());
                if (id.equals(CHEETAH)) {
                    assertFalse(r.terminated(), "the cheetah never terminates");
                    assertEquals(1000, steps);
                } else {
                    assertTrue(r.terminated() && !r.truncated() && steps < 1000, id + " ended after " + steps
                            + " steps, terminated " + r.terminated());
                }
            }
        }
    }

    @Test
    void aModelWithOtherJointsOrAnotherTasksStateIsRefusedWithWhatDiffers() {
        assumeMujoco();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Hopper(MjcfResources.file(PlanarLocomotion.MODELS + Walker2d.MODEL)));
        assertTrue(e.getMessage().contains("does not fit hopper: nq, nv, nu = 9, 9, 6 (expected 6, 6, 3)"),
                e.getMessage());
        try (Walker2d walker = new Walker2d(); HalfCheetah cheetah = new HalfCheetah()) {
            walker.reset(1);
            cheetah.reset(1);
            EnvState walkerState = walker.saveState().orElseThrow();
            e = assertThrows(IllegalArgumentException.class, () -> cheetah.restoreState(walkerState));
            assertTrue(e.getMessage().contains("cannot restore a state of walker2d into half_cheetah"), e.getMessage());
        }
    }

    // ---- helpers

    private static Hopper hopper() {
        assumeMujoco();
        return new Hopper();
    }

    /** {@code qpos0} with coordinate {@code i} set to {@code value}. */
    private static double[] pose(PlanarLocomotion task, int i, double value) {
        double[] qpos = task.sim().qpos0();
        qpos[i] = value;
        return qpos;
    }

    /** Starts an episode, then puts the task at (qpos, qvel) with zero control. */
    private static void at(PlanarLocomotion task, double[] qpos, double[] qvel) {
        task.reset(0);
        MjSim sim = task.sim();
        sim.set("qpos", qpos);
        sim.set("qvel", qvel);
        sim.set("ctrl", new double[sim.nu]);
        sim.forward();
    }

    private static boolean healthyAt(Hopper task, double[] qpos, double[] qvel) {
        at(task, qpos, qvel);
        assertEquals(!task.isHealthy(), task.terminated());
        return task.isHealthy();
    }

    private static boolean healthyAt(Walker2d task, double[] qpos, double[] qvel) {
        at(task, qpos, qvel);
        assertEquals(!task.isHealthy(), task.terminated());
        return task.isHealthy();
    }

    private static double maxDeviation(double[] v, double[] from) {
        double m = 0;
        for (int i = 0; i < v.length; i++) {
            m = Math.max(m, Math.abs(v[i] - from[i]));
        }
        return m;
    }

    private static List<double[]> rollout(String id, long seed, int steps) {
        try (Env env = EnvRegistry.make(id)) {
            List<double[]> out = new ArrayList<>();
            out.add(env.reset(seed).observation());
            out.addAll(continueFor(env, Rng.seeded(5), steps));
            return out;
        }
    }

    /** Observation, reward and terminated flag of each step; an episode that ends starts again. */
    private static List<double[]> continueFor(Env env, Rng actions, int steps) {
        List<double[]> out = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            StepResult r = env.step(randomAction(actions, env));
            double[] row = Arrays.copyOf(r.observation(), r.observation().length + 2);
            row[row.length - 2] = r.reward();
            row[row.length - 1] = r.terminated() ? 1 : 0;
            out.add(row);
            if (r.endsEpisode()) {
                out.add(env.reset().observation());
            }
        }
        return out;
    }

    private static double[] randomAction(Rng rng, Env env) {
        double[] a = new double[env.actionSpace().flatSize()];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.uniform(-1, 1);
        }
        return a;
    }
}
