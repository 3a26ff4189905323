package dev.topiary.backend.cpu;

import dev.topiary.backend.Check;
import dev.topiary.backend.SamplingOps;
import dev.topiary.backend.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.IntConsumer;

/**
 * The float64 sum tree on the CPU. Updates are applied in order (so the last of repeated indices wins) and every
 * touched ancestor is recomputed as the sum of its children, so the tree is the same whatever the order; a batch
 * large enough to touch most of the tree rebuilds all internal nodes level by level instead. Descents are independent
 * and run in parallel over fixed chunks; each uses the same comparisons as the reference, so results are identical.
 */
final class CpuSampling extends SamplingOps {
    /** Samples per task. */
    private static final int SAMPLE_CHUNK = 1 << 12;
    /** Nodes per task when rebuilding a level. */
    private static final int LEVEL_CHUNK = 1 << 15;
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE;

    private final IntConsumer samplePass = this::sampleChunk;
    private final IntConsumer levelPass = this::levelChunk;

    private MemorySegment tree;
    private MemorySegment u;
    private MemorySegment out;
    private int cap;
    private long n;
    private int level;

    CpuSampling(CpuBackend backend) {
        super(backend);
    }

    @Override
    protected synchronized void sumTreeSetImpl(Tensor tree, Tensor idx, Tensor values) {
        MemorySegment t = CpuTensor.seg(tree);
        MemorySegment leaf = CpuTensor.seg(idx);
        MemorySegment w = CpuTensor.seg(values);
        int cap = tree.cols() / 2;
        int count = idx.rows();
        for (int i = 0; i < count; i++) {
            checkUpdate(cap, i, leaf.getAtIndex(ValueLayout.JAVA_INT, i), w.getAtIndex(ValueLayout.JAVA_FLOAT, i));
        }
        for (int i = 0; i < count; i++) {
            t.setAtIndex(F64, cap + leaf.getAtIndex(ValueLayout.JAVA_INT, i), w.getAtIndex(ValueLayout.JAVA_FLOAT, i));
        }
        int depth = Integer.numberOfTrailingZeros(cap);
        if ((long) count * depth > cap) {
            rebuild(t, cap);
            return;
        }
        for (int i = 0; i < count; i++) {
            for (int j = (cap + leaf.getAtIndex(ValueLayout.JAVA_INT, i)) / 2; j >= 1; j /= 2) {
                t.setAtIndex(F64, j, t.getAtIndex(F64, 2L * j) + t.getAtIndex(F64, 2L * j + 1));
            }
        }
    }

    private static void checkUpdate(int cap, int i, int leaf, float weight) {
        if (leaf < 0 || leaf >= cap) {
            throw Check.fail("sumTreeSet", "idx[" + i + "] = " + leaf + " is outside the tree's leaves [0, " + cap
                    + ")");
        }
        if (!(weight >= 0) || Float.isInfinite(weight)) {
            throw Check.fail("sumTreeSet", "values[" + i + "] = " + (double) weight + " must be finite and ≥ 0");
        }
    }

    /** Recomputes every internal node from its children, the deepest level first. */
    private void rebuild(MemorySegment t, int cap) {
        this.tree = t;
        for (level = cap / 2; level >= 1; level /= 2) {
            pool().run((level + LEVEL_CHUNK - 1) / LEVEL_CHUNK, levelPass);
        }
        this.tree = null;
    }

    private void levelChunk(int c) {
        long lo = level + (long) c * LEVEL_CHUNK;
        long hi = Math.min(2L * level, lo + LEVEL_CHUNK);
        for (long j = lo; j < hi; j++) {
            tree.setAtIndex(F64, j, tree.getAtIndex(F64, 2 * j) + tree.getAtIndex(F64, 2 * j + 1));
        }
    }

    @Override
    protected synchronized void sumTreeSampleImpl(Tensor tree, Tensor u, Tensor out) {
        this.tree = CpuTensor.seg(tree);
        this.u = CpuTensor.seg(u);
        this.out = CpuTensor.seg(out);
        this.cap = tree.cols() / 2;
        this.n = u.size();
        pool().run((int) ((n + SAMPLE_CHUNK - 1) / SAMPLE_CHUNK), samplePass);
        this.tree = null;
    }

    /**
     * Descends from the root with target u·total, never entering a zero-weight subtree: right when the target
     * reaches the left sum or the left sum is zero, unless the right sum is zero (a zero total gives leaf 0).
     */
    private void sampleChunk(int c) {
        long lo = (long) c * SAMPLE_CHUNK;
        long hi = Math.min(n, lo + SAMPLE_CHUNK);
        double total = tree.getAtIndex(F64, 1);
        for (long i = lo; i < hi; i++) {
            double target = u.getAtIndex(ValueLayout.JAVA_FLOAT, i) * total;
            long j = 1;
            while (j < cap) {
                double left = tree.getAtIndex(F64, 2 * j);
                double right = tree.getAtIndex(F64, 2 * j + 1);
                if (right > 0 && (left == 0 || target >= left)) {
                    target -= left;
                    j = 2 * j + 1;
                } else {
                    j = 2 * j;
                }
            }
            out.setAtIndex(ValueLayout.JAVA_INT, i, (int) (j - cap));
        }
    }

    @Override
    protected synchronized void sumTreeTotalImpl(Tensor tree, Tensor out) {
        CpuTensor.seg(out).set(F64, 0, CpuTensor.seg(tree).get(F64, 8));
    }

    /** The backend's pool, looked up per op: the backend creates its op families before its pool. */
    private CpuPool pool() {
        return ((CpuBackend) backend).pool();
    }
}
