package dev.topiary.rl.replay;

import dev.topiary.backend.Backend;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static dev.topiary.rl.replay.ReplayFixture.backends;
import static dev.topiary.rl.replay.ReplayFixture.constant;
import static dev.topiary.rl.replay.ReplayFixture.episode;
import static dev.topiary.rl.replay.ReplayFixture.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** What a sample contains: n-step targets worked by hand, and windows that respect episode ends. */
class ReplaySamplingTest {

    /** Expected (return, bootstrap, next observation) of a start, keyed by its first observation (e, t). */
    private record Target(double ret, double boot, double nextE, double nextT) {
    }

    @Test
    void nStepTargetsOnAHandMadeTrajectory() {
        // γ = 0.5, n = H = 3. Episode 0: rewards 1, 2, 4, 8, 16, terminated at its last step (t = 4).
        //   start 0: 1 + 0.5·2 + 0.25·4 = 3,  bootstrap 0.125, next s_3
        //   start 1: 2 + 0.5·4 + 0.25·8 = 6,  bootstrap 0.125, next s_4
        //   start 2: 4 + 0.5·8 + 0.25·16 = 12, bootstrap 0.125·(not-done of t = 4: 0) = 0
        //   start 3: 8 + 0.5·16 = 16 (the window's third slot is past the terminal step), bootstrap 0
        //   start 4: 16, bootstrap 0 (episode 1's reward of 100 must not leak in, as an unmasked sum would)
        // Episode 1: rewards 100, 100, 100, 100, truncated at t = 3: only start 0 has a window without the cut:
        //   100 + 50 + 25 = 175, bootstrap 0.125, next s_3.
        Map<String, Target> expected = new HashMap<>();
        expected.put("0,0", new Target(3, 0.125, 0, 3));
        expected.put("0,1", new Target(6, 0.125, 0, 4));
        expected.put("0,2", new Target(12, 0, 0, 5));
        expected.put("0,3", new Target(16, 0, -1, -1));
        expected.put("0,4", new Target(16, 0, -1, -1));
        expected.put("1,0", new Target(175, 0.125, 1, 3));
        for (Backend b : backends()) {
            try (ReplayBuffer buf = new ReplayBuffer(b, small(64, 3, 3, 0.5, false, 256))) {
                episode(buf, 0, new double[]{1, 2, 4, 8, 16}, true);
                episode(buf, 1, constant(4, 100), false);
                assertEquals(6, buf.validStarts(), b.name());
                int[] seen = new int[1];
                for (int draw = 0; draw < 4; draw++) {
                    NStepBatch batch = buf.sampleNStep();
                    checkTargets(b, batch, expected, seen);
                }
                assertEquals(4 * 256, seen[0]);
            }
        }
    }

    private static void checkTargets(Backend b, NStepBatch batch, Map<String, Target> expected, int[] seen) {
        float[] obs = batch.obs().toFloats();
        float[] action = batch.action().toFloats();
        float[] next = batch.nextObs().toFloats();
        float[] ret = batch.returns().toFloats();
        float[] boot = batch.bootstrap().toFloats();
        for (int i = 0; i < ret.length; i++) {
            String key = (int) obs[2 * i] + "," + (int) obs[2 * i + 1];
            Target t = expected.get(key);
            if (t == null) {
                fail(b.name() + ": sampled an invalid start " + key);
            }
            assertEquals(t.ret(), ret[i], 1e-5, b.name() + " return of " + key);
            assertEquals(t.boot(), boot[i], 1e-7, b.name() + " bootstrap of " + key);
            assertEquals(obs[2 * i + 1] / 10.0, action[i], 1e-6);
            if (t.nextE() >= 0) {
                assertEquals(t.nextE(), next[2 * i]);
                assertEquals(t.nextT(), next[2 * i + 1]);
            }
            seen[0]++;
        }
    }

    @Test
    void windowsNeverCrossATimeLimitAndMaskEverythingAfterATermination() {
        for (Backend b : backends()) {
            // A ring of 40 slots with H = 5 sees many episodes, so windows also wrap around the ring's end.
            try (ReplayBuffer buf = new ReplayBuffer(b, small(40, 5, 3, 0.99, false, 128))) {
                int[] lengths = {7, 3, 9, 1, 6, 12, 2, 5, 8, 4, 11};
                for (int e = 0; e < lengths.length; e++) {
                    episode(buf, e, constant(lengths[e], e + 1), e % 3 == 0);
                    if (buf.validStarts() > 0) {
                        checkWindows(b, buf.sampleSequence(), lengths);
                    }
                }
            }
        }
    }

    /** Every window follows one episode step by step until its termination, after which the loss mask is 0. */
    private static void checkWindows(Backend b, SequenceBatch batch, int[] lengths) {
        int h = batch.horizon();
        float[][] obs = new float[h + 1][];
        float[][] nd = new float[h][];
        float[][] mask = new float[h][];
        float[][] rew = new float[h][];
        for (int k = 0; k <= h; k++) {
            obs[k] = batch.obs(k).toFloats();
            if (k < h) {
                nd[k] = batch.notDone(k).toFloats();
                mask[k] = batch.lossMask(k).toFloats();
                rew[k] = batch.reward(k).toFloats();
            }
        }
        for (int i = 0; i < batch.indices().rows(); i++) {
            int e = (int) obs[0][2 * i];
            int t0 = (int) obs[0][2 * i + 1];
            boolean terminated = e % 3 == 0;
            assertTrue(terminated || t0 + h <= lengths[e] - 1, b.name() + ": a window of truncated episode " + e
                    + " starting at " + t0 + " would contain its cut");
            boolean alive = true;
            for (int k = 0; k < h && alive; k++) {
                assertEquals(1f, mask[k][i], b.name() + " mask before the end");
                assertEquals(e, obs[k + 1][2 * i], b.name() + " episode of step " + (k + 1));
                assertEquals(t0 + k + 1, obs[k + 1][2 * i + 1], b.name() + " step " + (k + 1));
                assertEquals(e + 1, rew[k][i]);
                alive = t0 + k + 1 < lengths[e];
                assertEquals(alive || !terminated ? 1f : 0f, nd[k][i]);
            }
            for (int k = Math.min(h, lengths[e] - t0); k < h; k++) {
                assertEquals(0f, mask[k][i], b.name() + ": steps after a termination must be masked");
            }
        }
    }

    @Test
    void rewardScaleIsTheMeanMagnitudeOverStoredTransitions() {
        try (ReplayBuffer buf = new ReplayBuffer(backends().get(0), small(16, 2, 1, 0.99, true, 8))) {
            assertEquals(1e-8, buf.rewardScale());
            episode(buf, 0, new double[]{-2, 4, 0}, true);
            assertEquals(2.0, buf.rewardScale(), 1e-12, "(2 + 4 + 0)/3: the final-observation slot does not count");
            // 4 more episodes of 3 transitions wrap the 16-slot ring: 20 slots written, the last 16 kept.
            for (int e = 1; e <= 4; e++) {
                episode(buf, e, new double[]{-1, 1, -1}, false);
            }
            assertEquals(1.0, buf.rewardScale(), 1e-12);
            assertEquals(12, buf.size());
            assertTrue(buf.hasTerminal());
        }
    }

    @Test
    void misuseIsExplained() {
        try (ReplayBuffer buf = new ReplayBuffer(backends().get(0), small(16, 2, 2, 0.99, true, 4))) {
            IllegalStateException empty = assertThrows(IllegalStateException.class, buf::sampleNStep);
            assertTrue(empty.getMessage().contains("no complete sub-trajectory"), empty.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> buf.add(new double[3], new double[1], 0, new double[2], false, false));
            assertThrows(IllegalArgumentException.class,
                    () -> buf.add(new double[2], new double[1], Double.NaN, new double[2], false, false));
            episode(buf, 0, constant(5, 1), true);
            NStepBatch batch = buf.sampleNStep();
            episode(buf, 1, constant(2, 1), true);
            assertThrows(IllegalStateException.class, () -> buf.updatePriorities(batch, batch.returns()));
        }
        assertThrows(IllegalArgumentException.class, () -> small(10, 5, 3, 0.99, true, 4));
        assertThrows(IllegalArgumentException.class, () -> small(64, 2, 3, 0.99, true, 4));
    }
}
