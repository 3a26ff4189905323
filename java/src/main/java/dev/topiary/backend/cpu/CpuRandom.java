package dev.topiary.backend.cpu;

import dev.topiary.backend.Philox;
import dev.topiary.backend.RandomOps;
import dev.topiary.backend.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.IntConsumer;

/**
 * Random tensors from {@link Philox} over fixed chunks of the pool. Each value depends only on its flat index, so any
 * split gives the same tensor; float results are computed in double and rounded once, exactly as the reference does.
 * Words are generated a slice at a time into a per-thread scratch buffer.
 */
final class CpuRandom extends RandomOps {
    /** Elements per task. */
    private static final int CHUNK = 1 << 14;
    /** Elements per slice of generated words. */
    private static final int SLICE = 512;
    private static final ThreadLocal<int[]> WORDS = ThreadLocal.withInitial(() -> new int[2 * SLICE]);

    private enum Draw { UNIFORM, NORMAL, INTS }

    private final IntConsumer pass = this::chunk;

    private Draw draw;
    private MemorySegment out;
    private long n;
    private long seed;
    private long stream;
    private double offset;
    private double scale;
    private int bound;

    CpuRandom(CpuBackend backend) {
        super(backend);
    }

    @Override
    protected synchronized void uniformImpl(Tensor out, float lo, float hi, long seed, long stream) {
        run(Draw.UNIFORM, out, seed, stream, lo, (double) hi - lo, 0);
    }

    @Override
    protected synchronized void normalImpl(Tensor out, float mean, float std, long seed, long stream) {
        run(Draw.NORMAL, out, seed, stream, mean, std, 0);
    }

    @Override
    protected synchronized void intsImpl(Tensor out, int bound, long seed, long stream) {
        run(Draw.INTS, out, seed, stream, 0, 0, bound);
    }

    private void run(Draw draw, Tensor out, long seed, long stream, double offset, double scale, int bound) {
        this.draw = draw;
        this.out = CpuTensor.seg(out);
        this.n = out.size();
        this.seed = seed;
        this.stream = stream;
        this.offset = offset;
        this.scale = scale;
        this.bound = bound;
        pool().run((int) ((n + CHUNK - 1) / CHUNK), pass);
    }

    private void chunk(int c) {
        int[] words = WORDS.get();
        long hi = Math.min(n, (long) c * CHUNK + CHUNK);
        for (long lo = (long) c * CHUNK; lo < hi; lo += SLICE) {
            int len = (int) Math.min(SLICE, hi - lo);
            switch (draw) {
                case UNIFORM -> uniformSlice(words, lo, len);
                case NORMAL -> normalSlice(words, lo, len);
                case INTS -> intsSlice(words, lo, len);
            }
        }
    }

    private void uniformSlice(int[] words, long lo, int len) {
        PhiloxLanes.words(seed, stream, lo, words, 0, len);
        for (int j = 0; j < len; j++) {
            double u = Philox.toUniform(words[j] & 0xFFFFFFFFL);
            out.setAtIndex(ValueLayout.JAVA_FLOAT, lo + j, (float) (offset + scale * u));
        }
    }

    private void normalSlice(int[] words, long lo, int len) {
        PhiloxLanes.normalWords(seed, stream, lo, words, 0, len);
        for (int j = 0; j < len; j++) {
            double z = Philox.boxMuller(words[2 * j], words[2 * j + 1]);
            out.setAtIndex(ValueLayout.JAVA_FLOAT, lo + j, (float) (offset + scale * z));
        }
    }

    private void intsSlice(int[] words, long lo, int len) {
        PhiloxLanes.words(seed, stream, lo, words, 0, len);
        long b = bound;
        for (int j = 0; j < len; j++) {
            out.setAtIndex(ValueLayout.JAVA_INT, lo + j, (int) (((words[j] & 0xFFFFFFFFL) * b) >>> 32));
        }
    }

    /** The backend's pool, looked up per op: the backend creates its op families before its pool. */
    private CpuPool pool() {
        return ((CpuBackend) backend).pool();
    }
}
