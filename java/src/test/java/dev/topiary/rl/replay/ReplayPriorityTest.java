package dev.topiary.rl.replay;

import dev.topiary.backend.Backend;
import dev.topiary.backend.Parity;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.topiary.rl.replay.ReplayFixture.backends;
import static dev.topiary.rl.replay.ReplayFixture.constant;
import static dev.topiary.rl.replay.ReplayFixture.episode;
import static dev.topiary.rl.replay.ReplayFixture.small;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LAP: sampling proportional to max(|δ|, 1)^0.4, new starts at the running maximum, save/restore, determinism. */
class ReplayPriorityTest {
    private static final int BATCH = 256;

    /** |δ| chosen per start: some below the floor of 1, the largest 9.5. */
    private static double delta(int slot) {
        return 0.25 + 1.5 * (slot % 7);
    }

    /** A buffer whose 45 valid starts all carry the priority of {@link #delta}. */
    private static ReplayBuffer prioritised(Backend b, TensorArena arena) {
        ReplayBuffer buf = new ReplayBuffer(b, small(128, 5, 3, 0.99, true, BATCH));
        episode(buf, 0, constant(30, 1), true);
        episode(buf, 1, constant(20, 1), false);
        assertEquals(30 + 15, buf.validStarts());
        Tensor td = arena.f32(BATCH, 1);
        boolean[] touched = new boolean[128];
        for (int round = 0; round < 10; round++) {
            NStepBatch batch = buf.sampleNStep();
            int[] idx = batch.indices().toInts();
            float[] d = new float[BATCH];
            for (int i = 0; i < BATCH; i++) {
                d[i] = (float) delta(idx[i]);
                touched[idx[i]] = true;
            }
            td.copyFrom(d);
            buf.updatePriorities(batch, td);
        }
        int count = 0;
        for (boolean t : touched) {
            count += t ? 1 : 0;
        }
        assertEquals(45, count, "every valid start got its priority");
        return buf;
    }

    @Test
    void samplingIsProportionalToPriorityByChiSquare() {
        for (Backend b : backends()) {
            try (TensorArena arena = b.newArena(); ReplayBuffer buf = prioritised(b, arena)) {
                double[] p = new double[128];
                double total = 0;
                float[] leaves = buf.saveState().leaves();
                for (int s = 0; s < 128; s++) {
                    if (leaves[s] > 0) {
                        p[s] = Math.pow(Math.max(delta(s), 1.0), 0.4);
                        total += p[s];
                        assertEquals(p[s], leaves[s], 1e-5, b.name() + " leaf " + s);
                    }
                }
                long[] counts = new long[128];
                int draws = 200;
                for (int i = 0; i < draws; i++) {
                    for (int s : buf.sampleSequence().indices().toInts()) {
                        counts[s]++;
                    }
                }
                double chi2 = 0;
                int cells = 0;
                for (int s = 0; s < 128; s++) {
                    if (p[s] == 0) {
                        assertEquals(0, counts[s], b.name() + ": slot " + s + " has no valid window");
                        continue;
                    }
                    double expected = draws * BATCH * p[s] / total;
                    chi2 += (counts[s] - expected) * (counts[s] - expected) / expected;
                    cells++;
                }
                // 44 degrees of freedom: the 0.999 quantile is about 78.7 (Wilson–Hilferty); the seed is fixed.
                assertEquals(45, cells);
                assertTrue(chi2 < 78.7, b.name() + ": chi-square " + chi2 + " for 44 degrees of freedom");
            }
        }
    }

    @Test
    void newStartsEnterAtTheRunningMaximumPriority() {
        for (Backend b : backends()) {
            try (TensorArena arena = b.newArena(); ReplayBuffer buf = prioritised(b, arena)) {
                double max = Math.pow(9.25, 0.4);
                assertEquals(max, buf.maxPriority().scalar(), 1e-5, b.name());
                episode(buf, 2, constant(8, 1), true);
                float[] leaves = buf.saveState().leaves();
                // Episode 2 took slots 52-59 (final observation in 60); all 8 starts are valid at the maximum.
                for (int s = 52; s < 60; s++) {
                    assertEquals(max, leaves[s], 1e-5, b.name() + " slot " + s);
                }
                assertEquals(0f, leaves[60]);
            }
        }
    }

    /** Runs adds, samples and priority updates; returns every sampled index and target, in order. */
    private static float[] continueRun(ReplayBuffer buf, TensorArena arena, int episodes) {
        Tensor td = arena.f32(BATCH, 1);
        float[] trace = new float[0];
        for (int e = 0; e < episodes; e++) {
            episode(buf, 10 + e, constant(6 + e, e - 1.5), e % 2 == 0);
            NStepBatch batch = buf.sampleNStep();
            int[] idx = batch.indices().toInts();
            float[] d = new float[BATCH];
            for (int i = 0; i < BATCH; i++) {
                d[i] = (float) delta(idx[i] + e);
            }
            td.copyFrom(d);
            buf.updatePriorities(batch, td);
            trace = concat(trace, batch.returns().toFloats(), batch.nextObs().toFloats(),
                    buf.sampleSequence().obs(5).toFloats(), toFloat(idx));
        }
        return trace;
    }

    @Test
    void aRestoredBufferContinuesIdentically() {
        for (Backend b : backends()) {
            try (TensorArena arena = b.newArena(); ReplayBuffer buf = prioritised(b, arena)) {
                ReplayState state = buf.saveState();
                java.util.Map<String, float[]> rows = new java.util.HashMap<>();
                buf.storage().forEach((name, t) -> rows.put(name, t.toFloats()));
                float[] expected = continueRun(buf, arena, 12);
                try (ReplayBuffer other = new ReplayBuffer(b, buf.config())) {
                    other.storage().forEach((name, t) -> t.copyFrom(rows.get(name)));
                    other.restoreState(state);
                    assertArrayEquals(expected, continueRun(other, arena, 12), b.name());
                }
            }
        }
    }

    @Test
    void cpuSamplesAreBitIdenticalForEveryThreadCount() {
        float[] first = null;
        for (Backend b : Parity.candidates()) {
            if (!b.name().equals("cpu")) {
                continue;
            }
            try (TensorArena arena = b.newArena(); ReplayBuffer buf = prioritised(b, arena)) {
                float[] trace = continueRun(buf, arena, 8);
                if (first == null) {
                    first = trace;
                } else {
                    assertArrayEquals(first, trace, b.description());
                }
            }
        }
    }

    private static float[] toFloat(int[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = a[i];
        }
        return f;
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = Arrays.copyOf(parts[0], n);
        int at = parts[0].length;
        for (int i = 1; i < parts.length; i++) {
            System.arraycopy(parts[i], 0, out, at, parts[i].length);
            at += parts[i].length;
        }
        return out;
    }
}
