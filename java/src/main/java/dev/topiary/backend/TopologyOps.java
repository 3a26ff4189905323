package dev.topiary.backend;

import static dev.topiary.backend.Check.fail;

/**
 * Topology updates on the dense view of a weight ({@code values F32[rows×cols]}, {@code mask U8[rows×cols]}).
 * Every selection is by selection (radix select), never a full sort, and deterministic across backends: among equal
 * keys the entry with the lower flat (row-major) index is taken first. Magnitudes compare as |x| (so −0.0 ties with
 * +0.0), and NaN counts as smaller than every number: NaN weights are pruned first, NaN scores grown last.
 *
 * <p>The caller passes {@code active}, the number of set mask entries, which it always knows exactly
 * ({@link SparseWeight#nnz()}); host backends verify it. A RigL update is {@link #pruneSmallest} then
 * {@link #growLargest} on the pruned mask (so a just-dropped entry may be regrown), then {@link #applyMaskChange}
 * against the mask from before the update.
 */
public abstract class TopologyOps extends OpFamily {

    protected TopologyOps(Backend backend) {
        super(backend);
    }

    /** Clears the mask of the {@code k} active entries with the smallest {@code |values|}. Values are unchanged. */
    public final void pruneSmallest(Tensor values, Tensor mask, int active, int k) {
        String op = "pruneSmallest";
        checkView(op, values, mask, active);
        Check.range(op, "k", k, 0, active);
        owned(op, values, mask);
        pruneSmallestImpl(values, mask, active, k);
    }

    /** Sets the mask of the {@code k} inactive entries with the largest {@code |scores|} (the RigL criterion). */
    public final void growLargest(Tensor scores, Tensor mask, int active, int k) {
        String op = "growLargest";
        checkView(op, scores, mask, active);
        Check.range(op, "k", k, 0, mask.size() - active);
        owned(op, scores, mask);
        growLargestImpl(scores, mask, active, k);
    }

    /**
     * Sets the mask of {@code k} inactive entries drawn uniformly without replacement (SET): the inactive entries
     * with the {@code k} smallest 32-bit Philox keys of ({@code seed}, {@code stream}) at their flat index.
     */
    public final void growRandom(Tensor mask, int active, int k, long seed, long stream) {
        String op = "growRandom";
        checkMask(op, mask, active);
        Check.range(op, "k", k, 0, mask.size() - active);
        owned(op, mask);
        growRandomImpl(mask, active, k, seed, stream);
    }

    /**
     * Overwrites {@code mask} with exactly {@code k} active entries drawn uniformly without replacement: those with the
     * {@code k} smallest Philox keys.
     */
    public final void randomMask(Tensor mask, int k, long seed, long stream) {
        String op = "randomMask";
        Check.dtype(op, "mask", mask, DType.U8);
        Check.range(op, "k", k, 0, mask.size());
        owned(op, mask);
        randomMaskImpl(mask, k, seed, stream);
    }

    /**
     * After a mask change: zeroes {@code values} and each of {@code moments} wherever the entry is inactive in
     * {@code newMask}, or active in {@code newMask} but was inactive in {@code oldMask} (newly grown entries start at
     * zero with zero optimizer moments). Entries active in both keep their values and moments.
     */
    public final void applyMaskChange(Tensor oldMask, Tensor newMask, Tensor values, Tensor... moments) {
        String op = "applyMaskChange";
        Check.dtype(op, "oldMask", oldMask, DType.U8);
        Check.dtype(op, "newMask", newMask, DType.U8);
        Check.sameShape(op, "oldMask", oldMask, "newMask", newMask);
        Check.f32(op, "values", values, newMask.rows(), newMask.cols());
        Check.notNull(op, "moments", moments);
        for (int i = 0; i < moments.length; i++) {
            Check.f32(op, "moments[" + i + "]", moments[i], newMask.rows(), newMask.cols());
        }
        owned(op, oldMask, newMask, values);
        owned(op, moments);
        applyMaskChangeImpl(oldMask, newMask, values, moments);
    }

    /** Number of set entries of {@code mask} into {@code out I32[1×1]}. */
    public final void countActive(Tensor mask, Tensor out) {
        Check.dtype("countActive", "mask", mask, DType.U8);
        Check.scalar("countActive", "out", out, DType.I32);
        owned("countActive", mask, out);
        countActiveImpl(mask, out);
    }

    private static void checkView(String op, Tensor keys, Tensor mask, int active) {
        Check.dtype(op, "keys", keys, DType.F32);
        checkMask(op, mask, active);
        Check.sameShape(op, "keys", keys, "mask", mask);
    }

    private static void checkMask(String op, Tensor mask, int active) {
        Check.dtype(op, "mask", mask, DType.U8);
        if (active < 0 || active > mask.size()) {
            throw fail(op, "active = " + active + " is outside [0, " + mask.size() + "] for mask " + mask.describe());
        }
    }

    /** Thrown by host backends when the caller's {@code active} count disagrees with the mask. */
    protected static IllegalArgumentException wrongActive(String op, int claimed, long counted) {
        return fail(op, "the caller says " + claimed + " entries are active but the mask has " + counted
                + "; the layer's nnz bookkeeping is out of step with its mask");
    }

    protected abstract void pruneSmallestImpl(Tensor values, Tensor mask, int active, int k);

    protected abstract void growLargestImpl(Tensor scores, Tensor mask, int active, int k);

    protected abstract void growRandomImpl(Tensor mask, int active, int k, long seed, long stream);

    protected abstract void randomMaskImpl(Tensor mask, int k, long seed, long stream);

    protected abstract void applyMaskChangeImpl(Tensor oldMask, Tensor newMask, Tensor values, Tensor[] moments);

    protected abstract void countActiveImpl(Tensor mask, Tensor out);
}
