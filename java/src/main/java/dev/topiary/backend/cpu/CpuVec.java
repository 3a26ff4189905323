package dev.topiary.backend.cpu;

import dev.topiary.backend.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Shared pieces of the CPU element, NN, loss and reduction kernels: the vector species and how work is cut into
 * tasks. Task sizes depend only on the tensor's shape, never on the thread count, which is what keeps every result
 * identical for any number of threads.
 *
 * <p>Kernels call {@code FloatVector.fromMemorySegment}/{@code intoMemorySegment} directly rather than through
 * small wrappers here: the JDK's vector methods are always inlined, but a wrapper that the JIT once compiled on its
 * own is no longer inlined ("already compiled into a big method"), and every vector crossing it is then boxed.
 */
final class CpuVec {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final ByteOrder NO = ByteOrder.nativeOrder();
    static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    /**
     * Elements per task of an elementwise op: 64 KiB of floats, large enough that pool overhead (a few µs) is small
     * next to the work, small enough that two cores split a 256×1024 activation evenly.
     */
    static final int CHUNK = 1 << 14;

    private CpuVec() {
    }

    static float get(MemorySegment s, long i) {
        return s.getAtIndex(F, i);
    }

    static void set(MemorySegment s, long i, float v) {
        s.setAtIndex(F, i, v);
    }

    static CpuPool pool(Tensor t) {
        return ((CpuBackend) t.backend()).pool();
    }

    /** Number of {@link #CHUNK}-sized tasks covering n elements (at least 1). */
    static int chunks(long n) {
        return (int) Math.max(1, (n + CHUNK - 1) / CHUNK);
    }

    /** Rows per task when each row costs {@code cols} elements of work: about one {@link #CHUNK} per task. */
    static int rowsPerTask(int cols) {
        return Math.max(1, CHUNK / Math.max(1, cols));
    }

    /** Number of tasks covering {@code rows} rows at {@code perTask} rows each (at least 1). */
    static int tasks(int rows, int perTask) {
        return Math.max(1, (rows + perTask - 1) / perTask);
    }

    /** Runs an elementwise loop over n elements, in {@link #CHUNK} pieces on the pool when there is more than one. */
    static void map(CpuPool pool, CpuPointwise.Map f, MemorySegment x, MemorySegment y, long n) {
        int tasks = chunks(n);
        if (tasks == 1) {
            f.run(x, y, 0, n);
        } else {
            pool.run(tasks, t -> f.run(x, y, (long) t * CHUNK, Math.min(n, (long) (t + 1) * CHUNK)));
        }
    }

    /** Runs an activation-derivative loop over n elements, like {@link #map}. */
    static void map(CpuPool pool, CpuPointwise.Derivative f, MemorySegment x, MemorySegment y, MemorySegment dy,
                    MemorySegment dx, long n) {
        int tasks = chunks(n);
        if (tasks == 1) {
            f.run(x, y, dy, dx, 0, n);
        } else {
            pool.run(tasks, t -> f.run(x, y, dy, dx, (long) t * CHUNK, Math.min(n, (long) (t + 1) * CHUNK)));
        }
    }
}
