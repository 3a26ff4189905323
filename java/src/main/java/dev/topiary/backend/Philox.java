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
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final double TWO_POW_M24 = 1.0 / (1 << 24);

    private Philox() {
    }

    /** Fills {@code out[0..3]} with the four words of block {@code block} of (seed, stream). */
    public static void block(long seed, long stream, long block, int[] out) {
        int c0 = (int) block;
        int c1 = (int) (block >>> 32);
        int c2 = (int) stream;
        int c3 = (int) (stream >>> 32);
        int k0 = (int) seed;
        int k1 = (int) (seed >>> 32);
        for (int round = 0; round < 10; round++) {
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int hi0 = (int) (p0 >>> 32);
            int lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32);
            int lo1 = (int) p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
            k0 += W0;
            k1 += W1;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
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

    /** Uniform on the open interval (0, 1): {@code ((word >>> 8) + 0.5) · 2^−24}, safe under a logarithm. */
    public static float toOpenUniform(long word) {
        return (float) (((word >>> 8) + 0.5) * TWO_POW_M24);
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
        int[] w = new int[4];
        block(seed, stream, index, w);
        double u1 = toOpenUniform(w[0] & 0xFFFFFFFFL);
        double u2 = toUniform(w[1] & 0xFFFFFFFFL);
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}
