package dev.topiary.backend;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Every backend must select exactly the entries the reference selects, on fresh random inputs full of ties, at awkward
 * shapes (one chunk and several, vector tails), densities and counts; and the same with 1 and 2 threads.
 */
@Tag("emu")
class TopologyParityTest {
    private static final int[][] SHAPES = {{1, 1}, {7, 31}, {61, 300}, {257, 1000}};
    /**
     * Inputs above this size are skipped by the emulated kernels (slow; see Parity.reducedSizes); 61×300 still gives
     * them several blocks per selection pass.
     */
    private static final int KERNEL_LIMIT = 100_000;
    private static final double[] DENSITIES = {0.0, -1.0, 0.05, 0.4, 1.0};

    /** One selection to replay on every backend. */
    private interface Selection {
        void run(Backend b, Tensor keys, Tensor mask, int active);
    }

    @Test
    void pruneAndGrowSelectWhatTheReferenceSelects() {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        for (int[] shape : SHAPES) {
            for (double density : DENSITIES) {
                for (boolean tied : new boolean[]{true, false}) {
                    int n = shape[0] * shape[1];
                    if (checked(n).isEmpty()) {
                        continue;
                    }
                    float[] keys = tied ? TopologyTest.tiedValues(r, n) : Parity.normal(r, n, 1.0);
                    byte[] mask = mask(r, n, density);
                    int active = active(mask);
                    String what = shape[0] + "×" + shape[1] + " density " + density + (tied ? " tied" : " normal")
                            + " seed " + seed;
                    for (int k : counts(r, active, n == 1 || n > 100_000)) {
                        compare("pruneSmallest k=" + k + " " + what, shape, keys, mask,
                                (b, v, m, act) -> b.topology().pruneSmallest(v, m, act, k));
                    }
                    for (int k : counts(r, n - active, n == 1 || n > 100_000)) {
                        compare("growLargest k=" + k + " " + what, shape, keys, mask,
                                (b, s, m, act) -> b.topology().growLargest(s, m, act, k));
                    }
                }
            }
        }
    }

    @Test
    void randomSelectionsMatchTheReference() {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        for (int[] shape : SHAPES) {
            for (double density : DENSITIES) {
                int n = shape[0] * shape[1];
                if (checked(n).isEmpty()) {
                    continue;
                }
                byte[] mask = mask(r, n, density);
                int active = active(mask);
                long philoxSeed = r.nextLong();
                long stream = r.nextLong();
                String what = shape[0] + "×" + shape[1] + " density " + density + " seed " + seed;
                int k = r.nextInt(n - active + 1);
                compare("growRandom k=" + k + " " + what, shape, new float[n], mask,
                        (b, unused, m, act) -> b.topology().growRandom(m, act, k, philoxSeed, stream));
                int total = (int) Math.round(Math.max(0, density) * n);
                compare("randomMask k=" + total + " " + what, shape, new float[n], mask,
                        (b, unused, m, act) -> b.topology().randomMask(m, total, philoxSeed, stream));
            }
        }
    }

    @Test
    void allKeysEqualTakesTheLowestIndices() {
        allKeysEqual(257, 1000, 123_457, 200_001);
        allKeysEqual(61, 300, 12_345, 10_001);
    }

    private static void allKeysEqual(int rows, int cols, int prune, int grow) {
        int n = rows * cols;
        if (checked(n).isEmpty()) {
            return;
        }
        byte[] all = new byte[n];
        Arrays.fill(all, (byte) 1);
        compare("prune all-equal keys " + rows + "×" + cols, new int[]{rows, cols}, new float[n], all,
                (b, v, m, act) -> b.topology().pruneSmallest(v, m, act, prune));
        compare("grow all-equal keys " + rows + "×" + cols, new int[]{rows, cols}, new float[n], new byte[n],
                (b, s, m, act) -> b.topology().growLargest(s, m, act, grow));
    }

    @Test
    void applyMaskChangeAndCountMatchTheReference() {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        for (int[] shape : SHAPES) {
            int n = shape[0] * shape[1];
            if (checked(n).isEmpty()) {
                continue;
            }
            byte[] before = Parity.mask(r, n, 0.4);
            byte[] after = Parity.mask(r, n, 0.4);
            float[] values = Parity.normal(r, n, 1.0);
            float[] moment = Parity.normal(r, n, 1.0);
            double[] expected = null;
            for (Backend b : backends(n)) {
                try (TensorArena a = b.newArena()) {
                    Tensor oldMask = a.u8(shape[0], shape[1]);
                    oldMask.copyFrom(before);
                    Tensor newMask = a.u8(shape[0], shape[1]);
                    newMask.copyFrom(after);
                    Tensor v = a.f32(shape[0], shape[1], values);
                    Tensor m = a.f32(shape[0], shape[1], moment);
                    Tensor count = a.i32(1, 1);
                    b.topology().applyMaskChange(oldMask, newMask, v, m);
                    b.topology().countActive(newMask, count);
                    double[] got = concat(v.toDoubles(), m.toDoubles(), count.toDoubles());
                    if (expected == null) {
                        expected = got;
                    } else {
                        Parity.assertExact(b.name() + " applyMaskChange " + shape[0] + "×" + shape[1] + " seed "
                                + seed, expected, got);
                    }
                }
            }
        }
    }

    /** The reference, then the candidates checked at size {@code n}. */
    private static List<Backend> backends(int n) {
        List<Backend> all = new ArrayList<>();
        all.add(Parity.reference());
        all.addAll(checked(n));
        return all;
    }

    /** The candidates checked at size {@code n}: all of them, but no emulated kernels above {@link #KERNEL_LIMIT}. */
    private static List<Backend> checked(int n) {
        return Parity.candidates().stream().filter(b -> n <= KERNEL_LIMIT || !Parity.reducedSizes(b)).toList();
    }

    private static double[] concat(double[]... parts) {
        return Arrays.stream(parts).flatMapToDouble(Arrays::stream).toArray();
    }

    /** A mask of the given density; density −1 means exactly one active entry. */
    private static byte[] mask(SplittableRandom r, int n, double density) {
        if (density < 0) {
            byte[] m = new byte[n];
            m[r.nextInt(n)] = 1;
            return m;
        }
        return Parity.mask(r, n, density);
    }

    private static int active(byte[] mask) {
        int count = 0;
        for (byte b : mask) {
            count += b;
        }
        return count;
    }

    /** k = 0, 1, a random count and all of them; on large inputs only the random count and all. */
    private static int[] counts(SplittableRandom r, int eligible, boolean few) {
        int random = r.nextInt(eligible + 1);
        if (few) {
            return new int[]{random, eligible};
        }
        return new int[]{0, Math.min(1, eligible), random, eligible};
    }

    /** Runs the selection on the reference and every candidate from the same inputs; masks must be identical. */
    private static void compare(String what, int[] shape, float[] keys, byte[] mask, Selection selection) {
        int active = active(mask);
        double[] expected = run(Parity.reference(), shape, keys, mask, active, selection);
        List<double[]> results = new ArrayList<>();
        for (Backend b : checked(keys.length)) {
            double[] got = run(b, shape, keys, mask, active, selection);
            Parity.assertExact(b.description() + ": " + what, expected, got);
            results.add(got);
        }
        for (double[] got : results) {
            assertArrayEquals(results.get(0), got, "thread counts disagree: " + what);
        }
    }

    private static double[] run(Backend b, int[] shape, float[] keys, byte[] mask, int active, Selection s) {
        try (TensorArena a = b.newArena()) {
            Tensor k = a.f32(shape[0], shape[1], keys);
            Tensor m = a.u8(shape[0], shape[1]);
            m.copyFrom(mask);
            s.run(b, k, m, active);
            return m.toDoubles();
        }
    }
}
