package dev.topiary.backend.ref;

import dev.topiary.backend.Philox;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TopologyOps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import static dev.topiary.backend.ref.RefTensor.d;

/**
 * Topology updates by the most obvious method: list the eligible entries, sort them by (key, flat index), take the
 * first k. NaN counts as the smallest magnitude: NaN weights are pruned first and NaN scores grown last.
 */
final class RefTopology extends TopologyOps {

    RefTopology(ReferenceBackend backend) {
        super(backend);
    }

    @Override
    protected void pruneSmallestImpl(Tensor values, Tensor mask, int active, int k) {
        double[] v = d(values);
        double[] m = d(mask);
        checkActive("pruneSmallest", m, active);
        double[] key = new double[v.length];
        for (int i = 0; i < key.length; i++) {
            key[i] = magnitude(v[i]);
        }
        for (int i : firstK(m, true, key, k)) {
            m[i] = 0;
        }
    }

    @Override
    protected void growLargestImpl(Tensor scores, Tensor mask, int active, int k) {
        double[] s = d(scores);
        double[] m = d(mask);
        checkActive("growLargest", m, active);
        double[] key = new double[s.length];
        for (int i = 0; i < key.length; i++) {
            key[i] = -magnitude(s[i]);
        }
        for (int i : firstK(m, false, key, k)) {
            m[i] = 1;
        }
    }

    @Override
    protected void growRandomImpl(Tensor mask, int active, int k, long seed, long stream) {
        double[] m = d(mask);
        checkActive("growRandom", m, active);
        for (int i : firstK(m, false, philoxKeys(m.length, seed, stream), k)) {
            m[i] = 1;
        }
    }

    @Override
    protected void randomMaskImpl(Tensor mask, int k, long seed, long stream) {
        double[] m = d(mask);
        Arrays.fill(m, 0);
        for (int i : firstK(m, false, philoxKeys(m.length, seed, stream), k)) {
            m[i] = 1;
        }
    }

    @Override
    protected void applyMaskChangeImpl(Tensor oldMask, Tensor newMask, Tensor values, Tensor[] moments) {
        double[] before = d(oldMask);
        double[] after = d(newMask);
        for (int i = 0; i < after.length; i++) {
            boolean keeps = before[i] != 0 && after[i] != 0;
            if (!keeps) {
                d(values)[i] = 0.0;
                for (Tensor moment : moments) {
                    d(moment)[i] = 0.0;
                }
            }
        }
    }

    @Override
    protected void countActiveImpl(Tensor mask, Tensor out) {
        d(out)[0] = countActive(d(mask));
    }

    /** |x|, with NaN below every number. */
    private static double magnitude(double x) {
        return Double.isNaN(x) ? -1.0 : Math.abs(x);
    }

    /** The unsigned 32-bit Philox word of every flat index, exact in a double. */
    private static double[] philoxKeys(int n, long seed, long stream) {
        double[] key = new double[n];
        for (int i = 0; i < n; i++) {
            key[i] = Philox.word(seed, stream, i);
        }
        return key;
    }

    /** The k entries whose activity is {@code active} with the smallest keys, ties to the lower index. */
    private static List<Integer> firstK(double[] mask, boolean active, double[] key, int k) {
        List<Integer> eligible = new ArrayList<>();
        for (int i = 0; i < mask.length; i++) {
            if ((mask[i] != 0) == active) {
                eligible.add(i);
            }
        }
        eligible.sort(Comparator.comparingDouble((Integer i) -> key[i]).thenComparing(Comparator.naturalOrder()));
        return eligible.subList(0, k);
    }

    private static int countActive(double[] mask) {
        int count = 0;
        for (double x : mask) {
            if (x != 0) {
                count++;
            }
        }
        return count;
    }

    private static void checkActive(String op, double[] mask, int active) {
        int counted = countActive(mask);
        if (counted != active) {
            throw wrongActive(op, active, counted);
        }
    }
}
