package dev.topiary.env.mujoco;

import dev.topiary.env.Box;
import dev.topiary.env.Env;
import dev.topiary.env.EnvRegistry;
import dev.topiary.env.EnvState;
import dev.topiary.env.Rng;
import dev.topiary.env.StepResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.topiary.env.mujoco.Tolerance.Sigmoid.LINEAR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DeepMind Control's humanoid tasks on Debian's model: observation and reward on hand-made states against the
 * formulas computed here independently (rotations from the root quaternion, not from MuJoCo's frames), determinism
 * for a seed, and a bit-exact save and restore mid-episode.
 */
class DmcHumanoidTest {
    private static final double TOL = 1e-12;

    @Test
    void theTasksAreSixtySevenObservationsTwentyOneMotorsInPlusMinusOneFiveHundredAgentSteps() {
        MujocoTesting.humanoid();
        try (Env env = EnvRegistry.make("humanoid-run")) {
            assertEquals(67, env.observationSpace().flatSize());
            Box a = (Box) env.actionSpace();
            assertEquals(21, a.flatSize());
            for (int i = 0; i < 21; i++) {
                assertEquals(-1.0, a.low(i));
                assertEquals(1.0, a.high(i));
            }
            env.reset(3);
            int steps = 0;
            StepResult r;
            do {
                r = env.step(new double[21]);
                steps++;
                assertFalse(r.terminated(), "DeepMind Control never terminates early");
                assertTrue(r.reward() >= 0 && r.reward() <= 1, "reward " + r.reward());
            } while (!r.truncated());
            assertEquals(500, steps);
        }
    }

    @Test
    void standingStillInTheModelsRestPoseEarnsTheFullStandRewardAndASixthOfWalkAndRun() {
        double[] expected = {1.0, 1.0 / 6, 1.0 / 6};
        for (DmcHumanoid.Variant v : DmcHumanoid.Variant.values()) {
            try (DmcHumanoid task = new DmcHumanoid(v, MujocoTesting.humanoid())) {
                Map<String, Object> info = at(task, task.sim().qpos0(), new double[27]);
                assertTrue(task.headHeight() > 1.4, "the rest pose stands: head at " + task.headHeight());
                assertEquals(expected[v.ordinal()], task.reward(info), TOL, v + " " + info);
            }
        }
    }

    @Test
    void aTorsoTippedNinetyDegreesIsUprightByTheLinearMarginAndMovingBodiesMoveTheCentreOfMass() {
        try (DmcHumanoid task = new DmcHumanoid(DmcHumanoid.Variant.WALK, MujocoTesting.humanoid())) {
            double[] qpos = task.sim().qpos0();
            qpos[2] = 3.0;   // high above the floor: nothing touches
            double h = Math.sqrt(0.5);
            qpos[3] = h;
            qpos[4] = h;   // 90° about x
            qpos[5] = 0;
            qpos[6] = 0;
            double[] qvel = new double[27];
            qvel[0] = 0.3;
            qvel[1] = -0.2;
            qvel[2] = 0.1;
            Map<String, Object> info = at(task, qpos, qvel);
            assertEquals(1 - 0.9 / 1.9, (double) info.get("upright"), 1e-9);
            // Every body translates with the root, so the subtree's centre of mass moves at qvel[0:3].
            for (int i = 0; i < 3; i++) {
                assertEquals(qvel[i], task.comVelocity(i), TOL);
            }
            double move = Tolerance.of(Math.hypot(0.3, 0.2), 1, Double.POSITIVE_INFINITY, 1, LINEAR, 0);
            assertEquals((5 * move + 1) / 6, (double) info.get("move"), TOL);
            double standing = Tolerance.of(task.headHeight(), 1.4, Double.POSITIVE_INFINITY, 0.35);
            assertEquals(standing, (double) info.get("standing"), TOL);
        }
    }

    @Test
    void theObservationMatchesItsDefinitionOnARandomPose() {
        try (DmcHumanoid task = new DmcHumanoid(DmcHumanoid.Variant.STAND, MujocoTesting.humanoid())) {
            Rng rng = Rng.seeded(11);
            task.reset(5);
            double[] qpos = task.sim().get("qpos", 28);
            double[] qvel = new double[27];
            for (int i = 0; i < qvel.length; i++) {
                qvel[i] = rng.uniform(-1, 1);
            }
            at(task, qpos, qvel);
            double[] obs = task.observation();
            assertEquals(67, obs.length);
            double[][] r = rotation(qpos[3], qpos[4], qpos[5], qpos[6]);
            int k = 0;
            for (int i = 7; i < 28; i++) {
                assertEquals(qpos[i], obs[k++], 0.0, "joint angle " + i);
            }
            double[] xpos = task.sim().get("xpos", 3 * task.sim().nbody);
            int head = task.sim().bodyId("head");
            int torso = task.sim().bodyId("torso");
            assertEquals(xpos[3 * head + 2], obs[k++], 0.0, "head height");
            for (String limb : new String[]{"left_hand", "left_foot", "right_hand", "right_foot"}) {
                int b = task.sim().bodyId(limb);
                for (int col = 0; col < 3; col++) {   // Rᵀ (p_limb − p_torso)
                    double s = 0;
                    for (int row = 0; row < 3; row++) {
                        s += r[row][col] * (xpos[3 * b + row] - xpos[3 * torso + row]);
                    }
                    assertEquals(s, obs[k++], 1e-9, limb + " " + col);
                }
            }
            for (int col = 0; col < 3; col++) {
                assertEquals(r[2][col], obs[k++], 1e-9, "torso vertical " + col);
            }
            for (int i = 0; i < 3; i++) {
                assertEquals(task.comVelocity(i), obs[k++], 0.0, "centre-of-mass velocity");
            }
            for (int i = 0; i < 27; i++) {
                assertEquals(qvel[i], obs[k++], 0.0, "qvel " + i);
            }
        }
    }

    @Test
    void aSeedFixesTheTrajectoryBitForBitAndAnotherSeedChangesIt() {
        MujocoTesting.humanoid();
        List<double[]> a = rollout(21, 40);
        List<double[]> b = rollout(21, 40);
        List<double[]> c = rollout(22, 40);
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "step " + i);
        }
        assertFalse(java.util.Arrays.equals(a.get(0), c.get(0)), "another seed draws another initial pose");
    }

    /** At several points of an episode, since a missed piece of state shows only at some states. */
    @Test
    void aStateSavedMidEpisodeContinuesBitForBitInAFreshEnvironment() {
        MujocoTesting.humanoid();
        try (Env first = EnvRegistry.make("humanoid-walk"); Env second = EnvRegistry.make("humanoid-walk")) {
            for (int savedAt : new int[]{3, 17, 26, 41, 60}) {
                first.reset(8);
                Rng actions = Rng.seeded(99);
                for (int t = 0; t < savedAt; t++) {
                    first.step(randomAction(actions));
                }
                EnvState saved = first.saveState().orElseThrow();
                long[] actionState = actions.state();
                List<double[]> straight = continueFor(first, actions, 12);
                second.reset(1234);
                second.restoreState(saved);
                List<double[]> resumed = continueFor(second, Rng.fromState(actionState), 12);
                for (int i = 0; i < straight.size(); i++) {
                    assertArrayEquals(straight.get(i), resumed.get(i), "step " + i + " after a restore at " + savedAt);
                }
            }
        }
    }

    @Test
    void restoringAnotherTasksStateFailsAndChangesNothing() {
        MujocoTesting.humanoid();
        try (Env humanoid = EnvRegistry.make("humanoid-stand"); Env cartPole = EnvRegistry.make("CartPole-v1");
             Env twin = EnvRegistry.make("humanoid-stand")) {
            humanoid.reset(4);
            twin.reset(4);
            cartPole.reset(4);
            EnvState foreign = cartPole.saveState().orElseThrow();
            assertThrows(IllegalArgumentException.class, () -> humanoid.restoreState(foreign));
            EnvState own = humanoid.saveState().orElseThrow();
            Map<String, double[]> reals = new HashMap<>(innermost(own).reals());
            reals.put("qpos", new double[5]);
            assertThrows(IllegalArgumentException.class,
                    () -> humanoid.restoreState(replaceInnermost(own, reals)));
            double[] action = new double[21];
            action[3] = 0.5;
            assertArrayEquals(twin.step(action).observation(), humanoid.step(action).observation());
        }
    }

    // ---- helpers

    /** Puts the task at (qpos, qvel) with zero control and evaluates the reward terms. */
    private static Map<String, Object> at(DmcHumanoid task, double[] qpos, double[] qvel) {
        task.reset(0);
        MjSim sim = task.sim();
        sim.reset();
        sim.set("qpos", qpos);
        sim.set("qvel", qvel);
        sim.forward();
        task.updateDerived();
        Map<String, Object> info = new HashMap<>();
        task.reward(info);
        return info;
    }

    /** The rotation matrix of the unit quaternion (w, x, y, z), rows = world axes. */
    private static double[][] rotation(double w, double x, double y, double z) {
        return new double[][]{
                {1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)},
                {2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)},
                {2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)}};
    }

    private static List<double[]> rollout(long seed, int steps) {
        try (Env env = EnvRegistry.make("humanoid-run")) {
            List<double[]> out = new ArrayList<>();
            out.add(env.reset(seed).observation());
            out.addAll(continueFor(env, Rng.seeded(5), steps));
            return out;
        }
    }

    private static List<double[]> continueFor(Env env, Rng actions, int steps) {
        List<double[]> out = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            StepResult r = env.step(randomAction(actions));
            double[] row = java.util.Arrays.copyOf(r.observation(), r.observation().length + 1);
            row[row.length - 1] = r.reward();
            out.add(row);
        }
        return out;
    }

    private static double[] randomAction(Rng rng) {
        double[] a = new double[21];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.uniform(-1, 1);
        }
        return a;
    }

    private static EnvState innermost(EnvState s) {
        return s.inner() == null ? s : innermost(s.inner());
    }

    private static EnvState replaceInnermost(EnvState s, Map<String, double[]> reals) {
        if (s.inner() == null) {
            return new EnvState(s.kind(), reals, s.integers(), null);
        }
        return new EnvState(s.kind(), s.reals(), s.integers(), replaceInnermost(s.inner(), reals));
    }
}
