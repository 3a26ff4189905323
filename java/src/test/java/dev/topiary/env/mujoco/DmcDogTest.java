package dev.topiary.env.mujoco;

import dev.topiary.env.EnvState;
import dev.topiary.env.StepResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DeepMind Control's dog tasks on a stand-in model written for these tests (dm_control's dog is not on this machine
 * and is never copied into the repository; {@code DmcCrossCheckTest} compares against dm_control itself where a
 * user has it): the model edits, the observation layout and reward factors on hand-made states against values
 * computed here, the reset's distribution and its unactuated first observation, determinism and bit-exact resume.
 */
class DmcDogTest {
    private static final double TOL = 1e-12;
    /** The stand-in's 11 hinges and 11 filter actuators: 2·11 + 2 + 9 + 3 + 9 + 12 + 4 + 11. */
    private static final int OBS = 72;

    @TempDir
    Path tmp;

    @Test
    void theModelLosesTheFetchTasksObjectsGetsItsFloorSizedAndAbsolutePaths() throws Exception {
        Path dog = standIn(tmp);
        Path edited = DogModel.prepare(dog, DmcDog.Variant.RUN.floorSize());
        try {
            String xml = Files.readString(edited);
            assertFalse(xml.contains("name=\"ball\""), "the ball and its camera are removed");
            assertFalse(xml.contains("name=\"target\""));
            for (String wall : List.of("wall_px", "wall_nx", "wall_py", "wall_ny")) {
                assertFalse(xml.contains(wall), wall);
            }
            assertFalse(xml.contains("name=\"head\" mode"), "the head camera is removed (the head site stays)");
            assertTrue(xml.contains("name=\"head\" size") || xml.contains("name=\"head\" type"), xml);
            assertTrue(xml.contains("size=\"135 135 .1\""), "run: 9 m/s × 15 s");
            assertFalse(xml.contains("<include"), "includes are inlined");
            assertTrue(xml.contains("name=\"grid\""), "the included material is there");
            assertTrue(xml.contains("meshdir=\"" + dog.getParent().resolve("assets") + "/\""), xml);
        } finally {
            Files.delete(edited);
        }
        assertEquals(15.0, DmcDog.Variant.STAND.floorSize());
        assertEquals(45.0, DmcDog.Variant.TROT.floorSize());
    }

    @Test
    void aModelThatIsNotTheDogIsRefusedWithWhatIsMissing() throws IOException {
        MujocoTesting.assumeMujoco();
        Path other = Files.writeString(tmp.resolve("dog.xml"),
                "<mujoco><worldbody><geom name=\"floor\" type=\"plane\" size=\"1 1 .1\"/></worldbody></mujoco>");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DmcDog.load(DmcDog.Variant.RUN, other));
        assertTrue(e.getMessage().contains("no <body name=\"ball\">") && e.getMessage().contains("dm_control"),
                e.getMessage());
    }

    @Test
    void observationsAndActionsHaveTheDogsLayoutAndTheStandHeightsComeFromTheDefaultPose() throws IOException {
        try (DmcDog dog = load(DmcDog.Variant.WALK)) {
            assertEquals(OBS, dog.observationSize());
            assertEquals(OBS, dog.observationSpace().flatSize());
            assertEquals(11, dog.actionSpace().flatSize());
            assertEquals(3, dog.substeps(), "0.015 s control step over 0.005 s physics steps");
            // Default pose: the torso's frame at z = 0.45, the pelvis 5 cm behind it at the same height.
            assertArrayEquals(new double[]{0.9 * 0.45, 0.9 * 0.45}, dog.standHeight(), TOL);
            assertTrue(dog.bodyWeight() > 0 && Double.isFinite(dog.bodyWeight()));
        }
    }

    @Test
    void handMadeStatesGiveTheObservationsAndRewardFactorsComputedByHand() throws IOException {
        try (DmcDog dog = load(DmcDog.Variant.RUN)) {
            MjSim sim = dog.sim();
            double theta = 0.7;
            double[] qpos = sim.qpos0();
            qpos[2] = 0.6;                                       // in the air: no touch
            qpos[3] = Math.cos(theta / 2);                       // heading θ about z
            qpos[6] = Math.sin(theta / 2);
            qpos[7] = 0.1;                                       // first hinge (neck)
            double[] qvel = new double[sim.nv];
            qvel[0] = 4.5;                                       // pure translation along world x
            qvel[6] = -0.3;                                      // first hinge's velocity
            Map<String, Object> info = new HashMap<>();
            double[] obs = at(dog, qpos, qvel, info);
            assertEquals(0.1, obs[0], TOL, "hinge angles first");
            assertEquals(-0.3, obs[11], TOL, "then hinge velocities");
            assertEquals(0.6, obs[22], TOL, "torso height");
            assertEquals(0.6, obs[23], TOL, "pelvis height (no lumbar bend)");
            assertEquals(1.0, obs[24 + 3 + 2], TOL, "torso's zz: a heading does not tilt it");
            // torso_linvel in the torso's frame: Rᵀv for a yaw θ. The neck moves, so allow its share of the CoM.
            double vForward = obs[33];
            assertEquals(4.5 * Math.cos(theta), vForward, 0.05);
            assertEquals(-4.5 * Math.sin(theta), obs[34], 0.05);
            assertEquals(vForward, dog.torsoVelocity(0), TOL);
            assertEquals(0, dog.touchSum(), TOL, "in the air");
            assertEquals(1.0, (double) info.get("torso_height"), TOL);
            assertEquals(1.0, (double) info.get("upright"), TOL);
            assertEquals(0.9, (double) info.get("touch"), TOL, "no touch: tol(0, [W, ∞), linear, margin W, 0.9)");
            double f = 1 - (9 - vForward) / 9;                   // linear tolerance below [9, 18], margin 9
            assertEquals((4 * f + 1) / 5, (double) info.get("forward"), TOL);

            // Tipped 90° about y: every body's zz is 0, so each upright factor is 1 − cos30°/(cos30° + 1).
            double[] tipped = sim.qpos0();
            tipped[2] = 0.6;
            tipped[3] = Math.cos(Math.PI / 4);
            tipped[5] = Math.sin(Math.PI / 4);
            at(dog, tipped, new double[sim.nv], info);
            double c = Math.cos(Math.toRadians(30));
            assertEquals(Math.pow(1 - c / (c + 1), 3), (double) info.get("upright"), 1e-9);
            assertEquals(0.2, (double) info.get("forward"), TOL, "standing still earns a fifth of the move factor");
        }
    }

    @Test
    void resetDrawsAHeadingRootVelocitiesAndActivationsAndObservesThemWithoutActuation() throws IOException {
        try (DmcDog dog = load(DmcDog.Variant.STAND)) {
            double[] first = dog.reset(5).observation();
            double[] again = dog.reset(5).observation();
            assertArrayEquals(first, again, 0, "one seed, one episode start");
            assertFalse(java.util.Arrays.equals(first, dog.reset(6).observation()), "another seed, another start");
            MjSim sim = dog.sim();
            dog.reset(5);
            double[] act = sim.get("act", sim.na);
            double[] tail = java.util.Arrays.copyOfRange(first, OBS - sim.na, OBS);
            assertArrayEquals(act, tail, 0, "activations close the observation");
            for (double a : act) {
                assertTrue(a >= -1 && a <= 1 && a != 0, "activation " + a);
            }
            double[] q = sim.get("qpos", sim.nq);
            assertEquals(1.0, q[3] * q[3] + q[6] * q[6], 1e-12, "a heading: a unit quaternion about z");
            assertEquals(0, q[4], 0);
            double[] v = sim.get("qvel", sim.nv);
            assertTrue(v[0] != 0 && v[1] != 0 && v[5] != 0 && v[2] == 0 && v[3] == 0 && v[4] == 0,
                    java.util.Arrays.toString(v));
            // The accelerometer (observation 33 + 3) as DeepMind Control reports it: actuation off at the reset.
            int accelerometer = 2 * 11 + 2 + 9 + 3;
            sim.forward();
            double actuated = sim.sensorData(sim.sensorId("accelerometer")).getAtIndex(
                    java.lang.foreign.ValueLayout.JAVA_DOUBLE, 0);
            assertNotEquals(actuated, first[accelerometer], "random activations would have moved the joints");
            sim.forwardUnactuated();
            assertEquals(sim.sensorData(sim.sensorId("accelerometer")).getAtIndex(
                    java.lang.foreign.ValueLayout.JAVA_DOUBLE, 0), first[accelerometer], 0);
        }
    }

    @Test
    void rewardsStayInZeroOneAndARestoredEpisodeContinuesBitForBit() throws IOException {
        try (DmcDog a = load(DmcDog.Variant.TROT); DmcDog b = load(DmcDog.Variant.TROT)) {
            a.reset(11);
            dev.topiary.env.Rng rng = dev.topiary.env.Rng.seeded(3);
            for (int i = 0; i < 30; i++) {
                StepResult r = a.step(action(rng));
                assertTrue(r.reward() >= 0 && r.reward() <= 1, "reward " + r.reward());
                assertFalse(r.terminated());
            }
            EnvState saved = a.saveState().orElseThrow();
            b.restoreState(saved);
            for (int i = 0; i < 20; i++) {
                double[] u = action(rng);
                StepResult ra = a.step(u);
                StepResult rb = b.step(u);
                assertArrayEquals(ra.observation(), rb.observation(), 0, "step " + i + " after the restore");
                assertEquals(ra.reward(), rb.reward(), 0);
            }
        }
    }

    private static double[] action(dev.topiary.env.Rng rng) {
        double[] u = new double[11];
        for (int i = 0; i < u.length; i++) {
            u[i] = rng.uniform(-1, 1);
        }
        return u;
    }

    private DmcDog load(DmcDog.Variant v) throws IOException {
        MujocoTesting.assumeMujoco();
        return DmcDog.load(v, standIn(tmp));
    }

    private static double[] at(DmcDog dog, double[] qpos, double[] qvel, Map<String, Object> info) {
        dog.reset(0);
        MjSim sim = dog.sim();
        sim.reset();
        sim.set("qpos", qpos);
        sim.set("qvel", qvel);
        sim.forwardUnactuated();
        info.clear();
        dog.reward(info);
        return dog.observation();
    }

    /** The stand-in suite folder in {@code dir}: dog.xml, its include and a mesh written here. */
    static Path standIn(Path dir) throws IOException {
        Path suite = dir.resolve("suite");
        Files.createDirectories(suite.resolve("common"));
        Files.createDirectories(suite.resolve("assets"));
        for (String name : List.of("dog.xml", "common/extras.xml")) {
            try (InputStream in = DmcDogTest.class.getResourceAsStream("dogfixture/suite/" + name)) {
                assertTrue(in != null, name + " is not on the test classpath");
                Files.write(suite.resolve(name), in.readAllBytes());
            }
        }
        Files.write(suite.resolve("assets/block.stl"), tetrahedronStl(0.02f));
        return suite.resolve("dog.xml");
    }

    /** A binary STL of a small tetrahedron (80-byte header, count, 4 × (normal, 3 vertices, attribute)). */
    private static byte[] tetrahedronStl(float s) {
        float[][] v = {{0, 0, 0}, {s, 0, 0}, {0, s, 0}, {0, 0, s}};
        int[][] faces = {{0, 2, 1}, {0, 1, 3}, {0, 3, 2}, {1, 2, 3}};
        ByteBuffer b = ByteBuffer.allocate(84 + faces.length * 50).order(ByteOrder.LITTLE_ENDIAN);
        b.position(80);
        b.putInt(faces.length);
        for (int[] f : faces) {
            for (int i = 0; i < 3; i++) {
                b.putFloat(0);   // MuJoCo recomputes normals
            }
            for (int corner : f) {
                for (float x : v[corner]) {
                    b.putFloat(x);
                }
            }
            b.putShort((short) 0);
        }
        return b.array();
    }
}
