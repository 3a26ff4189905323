package dev.topiary.env.mujoco;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Topiary's dm_control tasks against dm_control itself, on trajectories that {@code ci/dmc_crosscheck.py} recorded
 * with the user's dm_control installation: the same initial state, the same actions, and the observations and
 * rewards must agree. Needs what CI cannot have (dm_control is not on the package mirror and its models are never
 * copied here), so it runs only where {@code TOPIARY_DMC_CROSSCHECK} names a recording and {@code TOPIARY_DM_CONTROL}
 * the installation it came from; elsewhere it is disabled with a reason that starts with "dm_control:", which
 * .ci/run accepts.
 */
@ExtendWith(DmcCrossCheckTest.WhenRecorded.class)
class DmcCrossCheckTest {
    /** Same library, same state, same step sequence: only float reassociation could differ, and it does not. */
    private static final double TOL = 1e-9;

    @Test
    void observationsAndRewardsMatchDmControlStepByStep() throws IOException {
        String file = System.getenv("TOPIARY_DMC_CROSSCHECK");
        JsonNode root = new ObjectMapper().readTree(Files.readString(Path.of(file)));
        int checked = 0;
        for (JsonNode t : root.get("trajectories")) {
            String task = t.get("task").asText();
            try (MujocoTask env = task(task)) {
                double worst = replay(env, t);
                System.out.printf(Locale.ROOT, "%s: %d steps, largest relative difference %.3g%n", task,
                        t.get("actions").size(), worst);
                checked++;
            }
        }
        assertTrue(checked > 0, file + " holds no trajectories");
    }

    private static MujocoTask task(String task) {
        String[] parts = task.split("-", 2);
        Path model = MujocoTasks.dmControlModel(parts[0] + ".xml");
        return switch (parts[0]) {
            case "dog" -> DmcDog.load(DmcDog.Variant.valueOf(parts[1].toUpperCase(Locale.ROOT)), model);
            case "humanoid" -> new DmcHumanoid(DmcHumanoid.Variant.valueOf(parts[1].toUpperCase(Locale.ROOT)), model);
            default -> throw new IllegalArgumentException("no cross-check for " + task);
        };
    }

    /** Puts {@code env} in the recorded initial state, replays the actions; returns the largest difference. */
    private static double replay(MujocoTask env, JsonNode t) {
        env.reset(0);
        MjSim sim = env.sim();
        sim.reset();
        sim.set("qpos", doubles(t.get("qpos")));
        sim.set("qvel", doubles(t.get("qvel")));
        sim.set("act", doubles(t.get("act")));
        sim.setTime(t.get("time").asDouble());
        sim.forwardUnactuated();   // dm_control's after-reset forward
        env.updateDerived();
        String task = t.get("task").asText();
        double worst = compare(task + " reset", doubles(t.get("observations").get(0)), env.observation());
        for (int i = 0; i < t.get("actions").size(); i++) {
            var r = env.step(doubles(t.get("actions").get(i)));
            worst = Math.max(worst, compare(task + " step " + i, doubles(t.get("observations").get(i + 1)),
                    r.observation()));
            assertEquals(t.get("rewards").get(i).asDouble(), r.reward(), TOL, task + " reward at step " + i);
        }
        return worst;
    }

    private static double compare(String where, double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, where + ": observation size");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]) / Math.max(1, Math.abs(expected[i]));
            assertTrue(d <= TOL, where + ": observation[" + i + "] = " + actual[i] + ", dm_control " + expected[i]);
            worst = Math.max(worst, d);
        }
        return worst;
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    /** Enabled only where a recording and the installation it came from are named. */
    static final class WhenRecorded implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String file = System.getenv("TOPIARY_DMC_CROSSCHECK");
            String dir = System.getenv("TOPIARY_DM_CONTROL");
            boolean ready = file != null && !file.isBlank() && dir != null && !dir.isBlank();
            return ready ? ConditionEvaluationResult.enabled("dm_control: " + file)
                    : ConditionEvaluationResult.disabled("dm_control: set TOPIARY_DMC_CROSSCHECK (a recording of "
                    + "ci/dmc_crosscheck.py) and TOPIARY_DM_CONTROL (the installation it came from)");
        }
    }
}
