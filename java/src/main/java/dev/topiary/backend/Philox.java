package dev.topiary.backend;

/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011): a counter-based generator,
 * so the number at any position is computed directly from (seed, stream, index), identically on every backend.
 *
 * <p>Key = the two 32-bit halves of {@code seed}; counter = (block low, block high, stream low, stream high). Element
 * {@code i} of a stream is word {@code i mod 4} of block {@code i / 4}. The CUDA kernels implement the same function
 * ({@code kernels/philox.cuh}).
 */
public final class Philox {
    private static final long M0_U = 0xD2511F53L;
    private static final long M1_U = 0xCD9E8D57L;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final double TWO_POW_M24 = 1.0 / (1 << 24);

    private Philox() {
    }

    /** Fills {@code out[0..3]} with the four words of block {@code block} of (seed, stream). */
    public static void block(long seed, long stream, long block, int[] out) {
        blockWords(seed, stream, block, 0, 4, out, 0);
    }

    /**
     * Fills {@code dst[off .. off+len)} with the words at flat indices {@code first .. first+len)} of (seed, stream),
     * as raw int bits (read them unsigned). Allocates nothing, so CPU kernels call it on per-thread scratch.
     */
    public static void words(long seed, long stream, long first, int[] dst, int off, int len) {
        long index = first;
        int written = 0;
        while (written < len) {
            int from = (int) (index & 3);
            int count = Math.min(4 - from, len - written);
            blockWords(seed, stream, index >>> 2, from, count, dst, off + written);
            written += count;
            index += count;
        }
    }

    /**
     * Words 0 and 1 of blocks {@code firstBlock .. firstBlock+count)} into {@code dst[off + 2j]} and
     * {@code dst[off + 2j + 1]}: the inputs of {@link #boxMuller} for the normals at those indices, without allocating.
     */
    public static void normalWords(long seed, long stream, long firstBlock, int[] dst, int off, int count) {
        for (int j = 0; j < count; j++) {
            blockWords(seed, stream, firstBlock + j, 0, 2, dst, off + 2 * j);
        }
    }

    /** Words {@code from .. from+count)} of one block into {@code dst[off ..)}. */
    private static void blockWords(long seed, long stream, long block, int from, int count, int[] dst, int off) {
        int c0 = (int) block;
        int c1 = (int) (block >>> 32);
        int c2 = (int) stream;
        int c3 = (int) (stream >>> 32);
        int k0 = (int) seed;
        int k1 = (int) (seed >>> 32);
        for (int round = 0; round < 10; round++) {
            long p0 = M0_U * (c0 & 0xFFFFFFFFL);
            long p1 = M1_U * (c2 & 0xFFFFFFFFL);
            c0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            c1 = (int) p1;
            c2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c3 = (int) p0;
            k0 += W0;
            k1 += W1;
        }
        for (int w = from; w < from + count; w++) {
            dst[off + w - from] = w == 0 ? c0 : w == 1 ? c1 : w == 2 ? c2 : c3;
        }
    }

    /** The 32-bit word at flat index {@code index} of (seed, stream), as an unsigned value in a long. */
    public static long word(long seed, long stream, long index) {
        int[] w = new int[4];
        block(seed, stream, index >>> 2, w);
        return w[(int) (index & 3)] & 0xFFFFFFFFL;
    }

    /** Uniform on [0, 1) with 24 random bits: {@code (word >>> 8) · 2^−24}. */
    public static float uniform(long seed, long stream, long index) {
        return toUniform(word(seed, stream, index));
    }

    /** {@code (word >>> 8) · 2^−24}, exact in float. */
    public static float toUniform(long word) {
        return (float) ((word >>> 8) * TWO_POW_M24);
    }

    /**
     * Uniform on the open interval (0, 1): {@code ((word >>> 8) + 0.5) · 2^−24}, safe under a logarithm. A double,
     * because the value has 25 significant bits: rounded to float, the largest would become exactly 1.
     */
    public static double toOpenUniform(long word) {
        return ((word >>> 8) + 0.5) * TWO_POW_M24;
    }

    /** Integer uniform on [0, bound): {@code (word · bound) >>> 32} (Lemire's multiply-shift, no division). */
    public static int below(long seed, long stream, long index, int bound) {
        return (int) ((word(seed, stream, index) * bound) >>> 32);
    }

    /**
     * Standard normal at {@code index}: Box–Muller on words 0 and 1 of block {@code index} (one block per normal),
     * {@code sqrt(−2 ln u1) · cos(2π u2)} with u1 open and u2 in [0, 1), evaluated in double precision.
     */
    public static double normal(long seed, long stream, long index) {
        int[] w = new int[2];
        blockWords(seed, stream, index, 0, 2, w, 0);
        return boxMuller(w[0], w[1]);
    }

    /** {@link #normal} from the first two words of its block, for kernels that generate the words themselves. */
    public static double boxMuller(int word0, int word1) {
        double u1 = toOpenUniform(word0 & 0xFFFFFFFFL);
        double u2 = toUniform(word1 & 0xFFFFFFFFL);
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}
