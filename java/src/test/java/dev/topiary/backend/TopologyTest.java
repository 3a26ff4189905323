package dev.topiary.backend;

import dev.topiary.backend.kernel.KernelBackend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Topology ops on hand-computed cases, on every backend: exact counts, tie-breaking, NaN, mask-change bookkeeping. */
@Tag("emu")
class TopologyTest {

    private static List<Backend> backends() {
        List<Backend> all = new ArrayList<>();
        all.add(Parity.reference());
        all.addAll(Parity.candidates());
        return all;
    }

    private static Tensor f32(TensorArena arena, float... values) {
        return arena.f32(1, values.length, values);
    }

    private static Tensor u8(TensorArena arena, int... bits) {
        Tensor t = arena.u8(1, bits.length);
        t.copyFrom(bits);
        return t;
    }

    private static int[] bits(Tensor mask) {
        return mask.toInts();
    }

    @Test
    void pruneTakesTheSmallestMagnitudesAmongActiveEntriesWithTiesToTheLowerIndex() {
        for (Backend b : backends()) {
            try (TensorArena a = b.newArena()) {
                Tensor w = f32(a, 0.5f, -0.1f, 0.3f, 0.1f, -0.2f, 0.0f, 0.05f);
                Tensor mask = u8(a, 1, 1, 1, 1, 1, 0, 1);
                b.topology().pruneSmallest(w, mask, 6, 1);
                assertArrayEquals(new int[]{1, 1, 1, 1, 1, 0, 0}, bits(mask), b.name() + ": 0.05 is smallest active");
                b.topology().pruneSmallest(w, mask, 5, 1);
                assertArrayEquals(new int[]{1, 0, 1, 1, 1, 0, 0}, bits(mask), b.name() + ": |−0.1| = 0.1 tie, index 1");
                b.topology().pruneSmallest(w, mask, 4, 2);
                assertArrayEquals(new int[]{1, 0, 1, 0, 0, 0, 0}, bits(mask), b.name());
                assertArrayEquals(new float[]{0.5f, -0.1f, 0.3f, 0.1f, -0.2f, 0.0f, 0.05f}, w.toFloats(),
                        b.name() + ": values are unchanged");
            }
        }
    }

    @Test
    void signedZerosTieAndNanIsPrunedFirstAndGrownLast() {
        for (Backend b : backends()) {
            try (TensorArena a = b.newArena()) {
                Tensor w = f32(a, 1f, -0.0f, 0.0f, Float.NaN, Float.POSITIVE_INFINITY);
                Tensor mask = u8(a, 1, 1, 1, 1, 1);
                b.topology().pruneSmallest(w, mask, 5, 2);
                assertArrayEquals(new int[]{1, 0, 1, 0, 1}, bits(mask), b.name() + ": NaN, then −0.0 before +0.0");
                Tensor s = f32(a, Float.NaN, 1f, -3f, 2f, 0f);
                Tensor none = u8(a, 0, 0, 0, 0, 0);
                b.topology().growLargest(s, none, 0, 4);
                assertArrayEquals(new int[]{0, 1, 1, 1, 1}, bits(none), b.name() + ": NaN scores are grown last");
                b.topology().growLargest(s, none, 4, 1);
                assertArrayEquals(new int[]{1, 1, 1, 1, 1}, bits(none), b.name());
            }
        }
    }

    @Test
    void growTakesTheLargestScoresAmongInactiveEntriesWithTiesToTheLowerIndex() {
        for (Backend b : backends()) {
            try (TensorArena a = b.newArena()) {
                Tensor s = f32(a, 9f, -2f, 2f, 0.5f, -2f, 7f);
                Tensor mask = u8(a, 1, 0, 0, 0, 0, 1);
                b.topology().growLargest(s, mask, 2, 1);
                assertArrayEquals(new int[]{1, 1, 0, 0, 0, 1}, bits(mask), b.name() + ": |−2| ties, index 1 first");
                b.topology().growLargest(s, mask, 3, 2);
                assertArrayEquals(new int[]{1, 1, 1, 0, 1, 1}, bits(mask), b.name());
            }
        }
    }

    @Test
    void kZeroChangesNothingAndKAllTakesEveryEligibleEntry() {
        for (Backend b : backends()) {
            try (TensorArena a = b.newArena()) {
                Tensor w = f32(a, 3f, 1f, 2f, 4f);
                Tensor mask = u8(a, 1, 0, 1, 1);
                b.topology().pruneSmallest(w, mask, 3, 0);
                b.topology().growLargest(w, mask, 3, 0);
                b.topology().growRandom(mask, 3, 0, 1, 2);
                assertArrayEquals(new int[]{1, 0, 1, 1}, bits(mask), b.name());
                b.topology().pruneSmallest(w, mask, 3, 3);
                assertArrayEquals(new int[]{0, 0, 0, 0}, bits(mask), b.name());
                b.topology().growLargest(w, mask, 0, 4);
                assertArrayEquals(new int[]{1, 1, 1, 1}, bits(mask), b.name());
                b.topology().randomMask(mask, 0, 5, 6);
                assertArrayEquals(new int[]{0, 0, 0, 0}, bits(mask), b.name());
                b.topology().randomMask(mask, 4, 5, 6);
                assertArrayEquals(new int[]{1, 1, 1, 1}, bits(mask), b.name());
            }
        }
    }

    @Test
    void randomSelectionsTakeTheSmallestPhiloxKeysAtTheirFlatIndex() {
        long seed = 0x5EEDL;
        long stream = 77;
        int n = 40;
        int[] start = new int[n];
        for (int i = 0; i < n; i += 3) {
            start[i] = 1;
        }
        int active = (n + 2) / 3;
        int[] expectedGrow = start.clone();
        for (int i : smallestKeys(start, 0, seed, stream, 9)) {
            expectedGrow[i] = 1;
        }
        int[] expectedRandom = new int[n];
        for (int i : smallestKeys(new int[n], 0, seed, stream, 11)) {
            expectedRandom[i] = 1;
        }
        for (Backend b : backends()) {
            try (TensorArena a = b.newArena()) {
                Tensor mask = u8(a, start);
                b.topology().growRandom(mask, active, 9, seed, stream);
                assertArrayEquals(expectedGrow, bits(mask), b.name());
                b.topology().randomMask(mask, 11, seed, stream);
                assertArrayEquals(expectedRandom, bits(mask), b.name());
            }
        }
    }

    /** Indices of the k entries with {@code mask == want} and the smallest (key, index), by brute force. */
    private static int[] smallestKeys(int[] mask, int want, long seed, long stream, int k) {
        return java.util.stream.IntStream.range(0, mask.length).filter(i -> mask[i] == want).boxed()
                .sorted((x, y) -> {
                    int byKey = Long.compare(Philox.word(seed, stream, x), Philox.word(seed, stream, y));
                    return byKey != 0 ? byKey : Integer.compare(x, y);
                }).limit(k).mapToInt(Integer::intValue).toArray();
    }

    @Test
    void rigLUpdateKeepsRegrownValuesAndStartsGrownEntriesAtZero() {
        for (Backend b : backends()) {
            try (TensorArena a = b.newArena()) {
                // Entry 4 breaks the zero invariant on purpose: growth must zero it and its moments anyway.
                Tensor w = f32(a, 0.1f, 0.9f, 0f, 0.8f, 0.7f, -0.0f);
                Tensor m1 = f32(a, 1f, 2f, 0f, 3f, 9f, -0.0f);
                Tensor m2 = f32(a, 4f, 5f, 0f, 6f, 9f, 0f);
                Tensor mask = u8(a, 1, 1, 0, 1, 0, 0);
                Tensor old = u8(a, 1, 1, 0, 1, 0, 0);
                Tensor grad = f32(a, 5f, 0f, 0f, 0f, 1f, 0f);
                b.topology().pruneSmallest(w, mask, 3, 1);
                b.topology().growLargest(grad, mask, 2, 2);
                assertArrayEquals(new int[]{1, 1, 0, 1, 1, 0}, bits(mask), b.name() + ": entry 0 dropped and regrown");
                b.topology().applyMaskChange(old, mask, w, m1, m2);
                assertArrayEquals(new float[]{0.1f, 0.9f, 0f, 0.8f, 0f, 0f}, w.toFloats(), b.name());
                assertArrayEquals(new float[]{1f, 2f, 0f, 3f, 0f, 0f}, m1.toFloats(), b.name());
                assertArrayEquals(new float[]{4f, 5f, 0f, 6f, 0f, 0f}, m2.toFloats(), b.name());
                assertEquals(0, Float.floatToRawIntBits(m1.toFloats()[5]), b.name() + ": +0.0, never −0.0");
            }
        }
    }

    @Test
    void applyMaskChangeZeroesDroppedAndGrownEntriesAndEverythingInactive() {
        for (Backend b : backends()) {
            try (TensorArena a = b.newArena()) {
                Tensor old = u8(a, 1, 1, 0, 0);
                Tensor now = u8(a, 1, 0, 1, 0);
                Tensor w = f32(a, 1f, 2f, 3f, -4f);
                Tensor m = f32(a, 5f, 6f, 7f, 8f);
                b.topology().applyMaskChange(old, now, w);
                assertArrayEquals(new float[]{1f, 0f, 0f, 0f}, w.toFloats(), b.name());
                b.topology().applyMaskChange(old, now, w, m);
                assertArrayEquals(new float[]{5f, 0f, 0f, 0f}, m.toFloats(), b.name());
                assertEquals(0, Float.floatToRawIntBits(w.toFloats()[3]), b.name() + ": +0.0, never −0.0");
            }
        }
    }

    @Test
    void countActiveCountsSetEntries() {
        for (Backend b : backends()) {
            try (TensorArena a = b.newArena()) {
                Tensor out = a.i32(1, 1);
                int n = 70_001;
                byte[] m = Parity.mask(new SplittableRandom(3), n, 0.3);
                Tensor mask = a.u8(1, n);
                mask.copyFrom(m);
                b.topology().countActive(mask, out);
                assertEquals(Math.round(0.3 * n), (long) out.scalar(), b.name());
            }
        }
    }

    @Test
    void aWrongActiveCountIsRejectedBeforeTheMaskChanges() {
        for (Backend b : backends()) {
            if (b instanceof KernelBackend) {
                continue; // the device cannot check the count without a sync: see the next test
            }
            try (TensorArena a = b.newArena()) {
                Tensor w = f32(a, 1f, 2f, 3f);
                Tensor mask = u8(a, 1, 0, 1);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> b.topology().pruneSmallest(w, mask, 1, 1), b.name());
                assertTrue(e.getMessage().startsWith("pruneSmallest") && e.getMessage().contains("has 2"),
                        e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> b.topology().growLargest(w, mask, 1, 1));
                assertThrows(IllegalArgumentException.class, () -> b.topology().growRandom(mask, 3, 0, 1, 1));
                assertArrayEquals(new int[]{1, 0, 1}, bits(mask), b.name());
            }
        }
    }

    /** Kernel backends ignore the caller's count: they take the k best eligible entries, or all when fewer. */
    @Test
    void kernelBackendsSelectFromTheMaskWhateverTheActiveCountSays() {
        for (Backend b : Parity.candidates()) {
            if (!(b instanceof KernelBackend)) {
                continue;
            }
            try (TensorArena a = b.newArena()) {
                Tensor w = f32(a, 1f, 2f, 3f);
                Tensor mask = u8(a, 1, 0, 1);
                b.topology().pruneSmallest(w, mask, 1, 1);
                assertArrayEquals(new int[]{0, 0, 1}, bits(mask), b.name());
                b.topology().growLargest(w, mask, 2, 1);
                assertArrayEquals(new int[]{0, 1, 1}, bits(mask), b.name() + ": |2| beats |1|");
                b.topology().growRandom(mask, 0, 3, 1, 1);
                assertArrayEquals(new int[]{1, 1, 1}, bits(mask), b.name() + ": k beyond the eligible takes them all");
            }
        }
    }

    @Test
    void invalidArgumentsNameTheOp() {
        for (Backend b : backends()) {
            try (TensorArena a = b.newArena()) {
                Tensor w = f32(a, 1f, 2f, 3f);
                Tensor mask = u8(a, 1, 0, 1);
                Tensor wide = a.u8(1, 4);
                assertMessage("pruneSmallest", () -> b.topology().pruneSmallest(w, mask, 2, 3));
                assertMessage("growLargest", () -> b.topology().growLargest(w, mask, 2, 2));
                assertMessage("growLargest", () -> b.topology().growLargest(w, wide, 0, 1));
                assertMessage("randomMask", () -> b.topology().randomMask(mask, 4, 1, 1));
                assertMessage("growRandom", () -> b.topology().growRandom(w, 2, 1, 1, 1));
                assertMessage("applyMaskChange", () -> b.topology().applyMaskChange(mask, wide, w));
                assertMessage("countActive", () -> b.topology().countActive(mask, a.f32(1, 1)));
            }
        }
    }

    private static void assertMessage(String op, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().startsWith(op), e.getMessage());
    }

    /** Hundreds of RigL and SET cycles keep the count exact, at several densities and awkward shapes. */
    @Test
    void masksKeepExactCountsOverManyPruneAndGrowCycles() {
        long seed = Parity.freshSeed();
        int[][] shapes = {{1, 1}, {3, 5}, {7, 31}, {33, 65}, {129, 600}};
        double[] densities = {0.0, 0.05, 0.4, 0.9, 1.0};
        for (Backend b : Parity.candidates()) {
            SplittableRandom r = new SplittableRandom(seed);
            for (int[] shape : shapes) {
                for (double density : densities) {
                    // Emulated kernels run a twentieth of the cycles: each costs them far more than the CPU.
                    int cycles = (shape[0] * shape[1] > 10_000 ? 40 : 200) / (Parity.reducedSizes(b) ? 20 : 1);
                    cycle(b, r, shape[0], shape[1], density, cycles, seed);
                }
            }
        }
    }

    private static void cycle(Backend b, SplittableRandom r, int rows, int cols, double density, int cycles,
                              long seed) {
        int n = rows * cols;
        int active = (int) Math.round(density * n);
        try (TensorArena a = b.newArena()) {
            Tensor mask = a.u8(rows, cols);
            Tensor w = a.f32(rows, cols);
            Tensor s = a.f32(rows, cols);
            Tensor count = a.i32(1, 1);
            b.topology().randomMask(mask, active, r.nextLong(), 0);
            for (int c = 0; c < cycles; c++) {
                w.copyFrom(Parity.uniform(r, n, -1, 1));
                s.copyFrom(tiedValues(r, n));
                int k = active == 0 ? 0 : r.nextInt(Math.min(active, n - active) + 1);
                b.topology().pruneSmallest(w, mask, active, k);
                if (c % 2 == 0) {
                    b.topology().growLargest(s, mask, active - k, k);
                } else {
                    b.topology().growRandom(mask, active - k, k, r.nextLong(), c);
                }
                b.topology().countActive(mask, count);
                assertEquals(active, (int) count.scalar(), b.name() + " " + rows + "×" + cols + " density "
                        + density + " cycle " + c + " seed " + seed);
            }
        }
    }

    /** Values from a small set, so most keys tie. */
    static float[] tiedValues(SplittableRandom r, int n) {
        float[] levels = {0f, -0f, 0.5f, -0.5f, 1f, -2f, 2f};
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = levels[r.nextInt(levels.length)];
        }
        return v;
    }
}
