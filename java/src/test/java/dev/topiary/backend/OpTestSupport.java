package dev.topiary.backend;

import org.junit.jupiter.params.provider.Arguments;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shapes, input pairs and checks shared by the element, NN, loss and reduction parity tests. */
final class OpTestSupport {
    /**
     * Awkward shapes from {1, 7, 31, 257, 1000}: a scalar, small odd shapes, a short-wide and a tall-thin vector, and
     * shapes large enough to split into several CPU tasks.
     */
    static final int[][] SHAPES = {
        {1, 1}, {7, 31}, {31, 7}, {1, 1000}, {1000, 1}, {257, 257}, {31, 1000}, {1000, 257},
    };

    /** Most elements a kernel backend is checked at (see {@link #checksShape}). */
    static final long KERNEL_MAX_ELEMENTS = 257 * 257;
    static final int KERNEL_ASAN_MAX_ROWS = 257;

    private OpTestSupport() {
    }

    static Stream<Arguments> shapes() {
        return Arrays.stream(SHAPES).map(s -> Arguments.of(s[0], s[1]));
    }

    /** The same inputs on the reference and on one candidate, each in its own arena. */
    static final class Pair implements AutoCloseable {
        final Backend ref = Parity.reference();
        final Backend cand;
        final TensorArena ra;
        final TensorArena ca;
        final String context;

        Pair(Backend cand, String context) {
            this.cand = cand;
            this.ra = ref.newArena();
            this.ca = cand.newArena();
            this.context = context + " on " + cand.description();
        }

        /** {r, c}: the values on the reference and on the candidate. */
        Tensor[] f32(int rows, int cols, float[] values) {
            return new Tensor[] {ra.f32(rows, cols, values), ca.f32(rows, cols, values)};
        }

        Tensor[] zeros(int rows, int cols) {
            return new Tensor[] {ra.f32(rows, cols), ca.f32(rows, cols)};
        }

        Tensor[] allocate(DType dtype, int rows, int cols) {
            return new Tensor[] {ra.allocate(dtype, rows, cols), ca.allocate(dtype, rows, cols)};
        }

        /** Asserts the candidate's tensor matches the reference's within {@code tol}. */
        void close(String what, Tensor[] t, double tol) {
            Parity.assertClose(context + ": " + what, t[0].toDoubles(), t[1].toFloats(), tol);
        }

        void exact(String what, Tensor[] t) {
            Parity.assertExact(context + ": " + what, t[0].toDoubles(), t[1].toDoubles());
        }

        @Override
        public void close() {
            ra.close();
            ca.close();
        }
    }

    interface PairBody {
        void run(Pair p);
    }

    /** Runs {@code body} once per candidate backend with fresh arenas. */
    static void forEachCandidate(String context, PairBody body) {
        List<Backend> candidates = Parity.candidates();
        for (Backend cand : candidates) {
            try (Pair p = new Pair(cand, context)) {
                body.run(p);
            }
        }
    }

    /** Runs {@code body} once per candidate that {@link #checksShape} a {@code rows × cols} input on. */
    static void forEachCandidate(int rows, int cols, String context, PairBody body) {
        for (Backend cand : Parity.candidates()) {
            if (checksShape(cand, rows, cols)) {
                try (Pair p = new Pair(cand, context)) {
                    body.run(p);
                }
            }
        }
    }

    /**
     * Whether a shape is checked on a backend. The emulated kernels run each CUDA thread as a fiber (far slower under
     * AddressSanitizer), so they skip the largest shapes (as do kernel backends under compute-sanitizer, see
     * {@link Parity#reducedSizes}): 257×257 already spans many blocks, row groups
     * and column chunks, and the small awkward shapes stay. Under AddressSanitizer tall inputs (more than 257 rows,
     * a warp per row) are skipped too.
     */
    static boolean checksShape(Backend b, int rows, int cols) {
        if (!Parity.reducedSizes(b)) {
            return true;
        }
        return (long) rows * cols <= KERNEL_MAX_ELEMENTS
                && (!(Parity.ASAN || Parity.SMALL) || rows <= KERNEL_ASAN_MAX_ROWS);
    }

    /** Uniform values kept at least {@code gap} away from 0 (for kinks and divisions). */
    static float[] awayFromZero(SplittableRandom r, int n, double lo, double hi, double gap) {
        float[] a = Parity.uniform(r, n, lo, hi);
        for (int i = 0; i < n; i++) {
            if (Math.abs(a[i]) < gap) {
                a[i] = (float) (a[i] < 0 ? -gap : gap);
            }
        }
        return a;
    }

    /** Asserts {@code call} throws an IllegalArgumentException whose message starts with the op name. */
    static void rejects(String op, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().startsWith(op), "message should name " + op + ": " + e.getMessage());
    }
}
