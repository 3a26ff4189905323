package dev.topiary.backend;

import static dev.topiary.backend.Check.fail;

/**
 * Sampling proportional to non-negative weights over up to millions of entries, for prioritised replay, with a sum
 * tree whose nodes are float64 so the total does not drift over millions of updates.
 *
 * <p>A tree over {@code capacity} leaves is an {@code F64[1 × 2·cap]} tensor, {@code cap} the next power of two
 * ≥ capacity ({@link #treeColumns}); node 1 is the root, node j has children 2j and 2j+1, and leaf i is node
 * {@code cap + i}. Every node is the sum of its two children, so results do not depend on update order.
 */
public abstract class SamplingOps extends OpFamily {

    protected SamplingOps(Backend backend) {
        super(backend);
    }

    /** Columns of the tree tensor for {@code capacity} leaves: {@code 2 · nextPowerOfTwo(capacity)}. */
    public static int treeColumns(int capacity) {
        if (capacity < 1 || capacity > (1 << 29)) {
            throw new IllegalArgumentException("sum tree capacity " + capacity + " must be in [1, 2^29]");
        }
        return 2 * Integer.highestOneBit(capacity == 1 ? 1 : (capacity - 1) << 1);
    }

    /**
     * Sets leaf {@code idx[i]} to {@code values[i]} ({@code I32[n×1]}, {@code F32[n×1]}, each weight finite and ≥ 0)
     * and updates the ancestors. When an index repeats, the last occurrence wins.
     */
    public final void sumTreeSet(Tensor tree, Tensor idx, Tensor values) {
        String op = "sumTreeSet";
        checkTree(op, tree);
        Check.dtype(op, "idx", idx, DType.I32);
        Check.dtype(op, "values", values, DType.F32);
        if (idx.cols() != 1 || !idx.sameShape(values)) {
            throw fail(op, "idx " + idx.describe() + " and values " + values.describe() + " must both be [n×1]");
        }
        owned(op, tree, idx, values);
        sumTreeSetImpl(tree, idx, values);
    }

    /**
     * For each {@code u[i]} in [0, 1), the leaf whose cumulative-weight interval holds {@code u[i] · total} into
     * {@code out[i]}; leaves of zero weight are never returned while the total is positive. The descent goes right at
     * node j when the target is ≥ the left child's sum (or that sum is 0) and the right child's sum is positive,
     * subtracting the left sum; so a target on a boundary takes the next leaf, and a zero total gives leaf 0.
     */
    public final void sumTreeSample(Tensor tree, Tensor u, Tensor out) {
        String op = "sumTreeSample";
        checkTree(op, tree);
        Check.dtype(op, "u", u, DType.F32);
        Check.dtype(op, "out", out, DType.I32);
        if (u.cols() != 1 || !u.sameShape(out)) {
            throw fail(op, "u " + u.describe() + " and out " + out.describe() + " must both be [n×1]");
        }
        owned(op, tree, u, out);
        sumTreeSampleImpl(tree, u, out);
    }

    /** The total weight (the root) into {@code out F64[1×1]}. */
    public final void sumTreeTotal(Tensor tree, Tensor out) {
        checkTree("sumTreeTotal", tree);
        Check.scalar("sumTreeTotal", "out", out, DType.F64);
        owned("sumTreeTotal", tree, out);
        sumTreeTotalImpl(tree, out);
    }

    private static void checkTree(String op, Tensor tree) {
        Check.dtype(op, "tree", tree, DType.F64);
        int c = tree.cols();
        if (tree.rows() != 1 || c < 2 || Integer.bitCount(c) != 1) {
            throw fail(op, "tree is " + tree.describe() + "; it must be F64[1×2·cap] with cap a power of two "
                    + "(see SamplingOps.treeColumns)");
        }
    }

    protected abstract void sumTreeSetImpl(Tensor tree, Tensor idx, Tensor values);

    protected abstract void sumTreeSampleImpl(Tensor tree, Tensor u, Tensor out);

    protected abstract void sumTreeTotalImpl(Tensor tree, Tensor out);
}
