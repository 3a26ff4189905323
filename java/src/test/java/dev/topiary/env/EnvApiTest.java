package dev.topiary.env;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry, wrappers, seeding and save/restore across every registered task. */
class EnvApiTest {

    /** Runs {@code steps} steps with actions from {@code actions}, resetting after an episode ends. */
    private static List<Double> rollout(Env env, Rng actions, int steps) {
        List<Double> trace = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            StepResult r = env.step(env.actionSpace().sample(actions));
            trace.add(r.reward());
            for (double v : r.observation()) {
                trace.add(v);
            }
            trace.add(r.terminated() ? 1.0 : 0.0);
            trace.add(r.truncated() ? 1.0 : 0.0);
            if (r.endsEpisode()) {
                for (double v : env.reset().observation()) {
                    trace.add(v);
                }
            }
        }
        return trace;
    }

    @Test
    void theSameSeedGivesTheSameEpisodes() {
        for (String id : pureJavaIds()) {
            Env a = EnvRegistry.make(id);
            Env b = EnvRegistry.make(id);
            assertArrayEquals(a.reset(9).observation(), b.reset(9).observation(), id);
            assertEquals(rollout(a, Rng.seeded(1), 700), rollout(b, Rng.seeded(1), 700), id);
            assertFalse(java.util.Arrays.equals(a.reset(10).observation(), b.reset(11).observation()), id);
        }
    }

    @Test
    void aRestoredStateContinuesBitForBitThroughJson() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (String id : pureJavaIds()) {
            Env env = new ActionRepeat(EnvRegistry.make(id), 2);
            env.reset(3);
            rollout(env, Rng.seeded(4), 333);
            EnvState saved = env.saveState().orElseThrow();
            EnvState copy = json.readValue(json.writeValueAsString(saved), EnvState.class);
            Rng actions = Rng.seeded(5);
            Rng actionsCopy = Rng.fromState(actions.state());
            List<Double> expected = rollout(env, actions, 400);
            Env other = new ActionRepeat(EnvRegistry.make(id), 2);
            other.restoreState(copy);
            assertEquals(expected, rollout(other, actionsCopy, 400), id);
        }
    }

    @Test
    void timeLimitTruncatesAtTheRegisteredStepCount() {
        Env env = EnvRegistry.make("Pendulum-v1");
        env.reset(0);
        for (int i = 1; i < 200; i++) {
            assertFalse(env.step(new double[]{0}).truncated());
        }
        StepResult last = env.step(new double[]{0});
        assertTrue(last.truncated());
        assertFalse(last.terminated(), "a time limit is not a terminal state");
        assertEquals(500, ((TimeLimit) EnvRegistry.make("CartPole-v1")).maxEpisodeSteps());
        assertEquals(999, ((TimeLimit) EnvRegistry.make("MountainCarContinuous-v0")).maxEpisodeSteps());
        assertEquals(500, ((TimeLimit) EnvRegistry.make("Acrobot-v1")).maxEpisodeSteps());
        assertInstanceOf(Acrobot.class, EnvRegistry.make("Acrobot-v1").unwrapped());
    }

    @Test
    void terminationAndTruncationOnTheSameStepAreBothReported() {
        Env env = new TimeLimit(new CartPole(), 1);
        env.reset(java.util.OptionalLong.of(0), Map.of("low", 0.0, "high", 0.0));
        env.restoreState(new EnvState("TimeLimit", Map.of(), Map.of("elapsed", new long[]{0}, "max", new long[]{1}),
                new EnvState("CartPole-v1", Map.of("physics", new double[]{2.399, 1, 0, 0}),
                        Map.of("rng", Rng.seeded(0).state(), "started", new long[]{1}, "counters", new long[]{-1}),
                        null)));
        StepResult r = env.step(1);
        assertTrue(r.terminated());
        assertTrue(r.truncated());
    }

    @Test
    void actionRepeatSumsRewardsAndStopsAtTheEnd() {
        Env env = new ActionRepeat(EnvRegistry.make("CartPole-v1"), 3);
        env.reset(0);
        StepResult r = env.step(1);
        assertEquals(3.0, r.reward());
        assertEquals(3, r.info().get("action_repeat_steps"));
        Env limited = new ActionRepeat(new TimeLimit(new Pendulum(), 4), 3);
        limited.reset(0);
        limited.step(new double[]{0});
        StepResult cut = limited.step(new double[]{0});
        assertTrue(cut.truncated());
        assertEquals(1, cut.info().get("action_repeat_steps"));
    }

    @Test
    void spacesDescribeTheTasks() {
        Env pendulum = EnvRegistry.make("Pendulum-v1");
        Box actions = (Box) pendulum.actionSpace();
        assertEquals(-2.0, actions.low(0));
        assertEquals(2.0, actions.high(0));
        assertEquals(3, pendulum.observationSpace().flatSize());
        assertEquals(new Discrete(3), EnvRegistry.make("Acrobot-v1").actionSpace());
        Rng r = Rng.seeded(0);
        for (int i = 0; i < 100; i++) {
            assertTrue(actions.contains(actions.sample(r)));
        }
        Box halfOpen = Box.of(new double[]{1, Double.NEGATIVE_INFINITY}, new double[]{Double.POSITIVE_INFINITY, 0});
        double[] v = halfOpen.sample(r);
        assertTrue(v[0] >= 1 && v[1] <= 0);
        assertFalse(halfOpen.isBounded());
        assertThrows(IllegalArgumentException.class, () -> Box.of(new double[]{1}, new double[]{0}));
        assertFalse(new Discrete(2).contains(new double[]{1.5}));
    }

    @Test
    void unknownNamesAndDuplicateRegistrationsAreExplained() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EnvRegistry.make("CartPole-v0"));
        assertTrue(e.getMessage().contains("CartPole-v1"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> EnvRegistry.register(new EnvSpec("Pendulum-v1", Pendulum::new, 200, Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> new CartPole().restoreState(
                new Pendulum().saveState().orElseThrow()));
    }

    /** The tasks that need no native library or model file; the MuJoCo tasks have their own tests (env.mujoco, .loco). */
    private static java.util.List<String> pureJavaIds() {
        return EnvRegistry.ids().stream().filter(id -> !id.startsWith("humanoid-") && !id.startsWith("dm_control/")
                && !id.startsWith("topiary/")).toList();
    }
}
