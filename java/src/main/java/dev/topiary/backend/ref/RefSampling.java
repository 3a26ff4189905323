package dev.topiary.backend.ref;

import dev.topiary.backend.Check;
import dev.topiary.backend.SamplingOps;
import dev.topiary.backend.Tensor;

import static dev.topiary.backend.ref.RefTensor.d;

/**
 * The float64 sum tree, one update or one descent at a time. A descent never enters a subtree of zero weight: at each
 * node it goes right when the target reaches the left sum or the left sum is zero, unless the right sum is zero. With
 * a zero total it therefore returns leaf 0.
 */
final class RefSampling extends SamplingOps {

    RefSampling(ReferenceBackend backend) {
        super(backend);
    }

    @Override
    protected void sumTreeSetImpl(Tensor tree, Tensor idx, Tensor values) {
        double[] t = d(tree);
        double[] leaf = d(idx);
        double[] w = d(values);
        int cap = t.length / 2;
        for (int i = 0; i < leaf.length; i++) {
            checkUpdate(cap, i, leaf[i], w[i]);
        }
        for (int i = 0; i < leaf.length; i++) {
            int node = cap + (int) leaf[i];
            t[node] = w[i];
            for (int j = node / 2; j >= 1; j /= 2) {
                t[j] = t[2 * j] + t[2 * j + 1];
            }
        }
    }

    /** Rejects a leaf index outside the tree or a weight that is negative or not finite. */
    static void checkUpdate(int cap, int i, double leaf, double weight) {
        if (leaf < 0 || leaf >= cap) {
            throw Check.fail("sumTreeSet", "idx[" + i + "] = " + (long) leaf + " is outside the tree's leaves [0, "
                    + cap + ")");
        }
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw Check.fail("sumTreeSet", "values[" + i + "] = " + weight + " must be finite and ≥ 0");
        }
    }

    @Override
    protected void sumTreeSampleImpl(Tensor tree, Tensor u, Tensor out) {
        double[] t = d(tree);
        double[] uu = d(u);
        double[] o = d(out);
        int cap = t.length / 2;
        for (int i = 0; i < uu.length; i++) {
            double target = uu[i] * t[1];
            int j = 1;
            while (j < cap) {
                double left = t[2 * j];
                double right = t[2 * j + 1];
                if (right > 0 && (left == 0 || target >= left)) {
                    target -= left;
                    j = 2 * j + 1;
                } else {
                    j = 2 * j;
                }
            }
            o[i] = j - cap;
        }
    }

    @Override
    protected void sumTreeTotalImpl(Tensor tree, Tensor out) {
        d(out)[0] = d(tree)[1];
    }
}
