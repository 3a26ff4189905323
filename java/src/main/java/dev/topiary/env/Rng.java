package dev.topiary.env;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The project's small checkpointable random generator for host-side streams (environment resets, action-space
 * samples): xoshiro256** (Blackman and Vigna, 2018) seeded through SplitMix64. Its whole state is four longs, so
 * {@link #state()} and {@link #restore(long[])} give a bit-exact resume, which the JDK generators cannot.
 *
 * <p>Named streams ({@link #derive(long, String)}) give each component its own sequence from one root seed, so
 * changing how often one component draws never perturbs another. Not thread-safe; one instance per stream.
 */
public final class Rng {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private long s0;
    private long s1;
    private long s2;
    private long s3;

    private Rng(long s0, long s1, long s2, long s3) {
        this.s0 = s0;
        this.s1 = s1;
        this.s2 = s2;
        this.s3 = s3;
    }

    /** A generator whose state is the first four SplitMix64 outputs from {@code seed} (never all zero). */
    public static Rng seeded(long seed) {
        long x = seed;
        long[] s = new long[4];
        for (int i = 0; i < 4; i++) {
            x += GOLDEN;
            s[i] = mix64(x);
        }
        return new Rng(s[0], s[1], s[2], s[3]);
    }

    /** The stream called {@code name} of {@code rootSeed} (name hashed with 64-bit FNV-1a over its UTF-8 bytes). */
    public static Rng derive(long rootSeed, String name) {
        long h = 0xCBF29CE484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x100000001B3L;
        }
        return derive(rootSeed, h);
    }

    /** The stream numbered {@code streamId} of {@code rootSeed}. */
    public static Rng derive(long rootSeed, long streamId) {
        return seeded(rootSeed ^ mix64(streamId + GOLDEN));
    }

    /** A generator restored from {@link #state()}. */
    public static Rng fromState(long[] state) {
        Rng r = new Rng(1, 0, 0, 0);
        r.restore(state);
        return r;
    }

    /** SplitMix64's output function (Stafford's variant 13): a bijective 64-bit mixer. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The next 64 random bits (xoshiro256**). */
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** Uniform on [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1p-53;
    }

    /** Uniform on [lo, hi): {@code lo + (hi − lo)·u}, the form NumPy's {@code uniform} uses. */
    public double uniform(double lo, double hi) {
        return lo + (hi - lo) * nextDouble();
    }

    /** Uniform on [0, bound) without bias (Lemire's multiply-shift with rejection). */
    public int nextInt(int bound) {
        if (bound < 1) {
            throw new IllegalArgumentException("Rng.nextInt: bound " + bound + " must be ≥ 1");
        }
        long m = (nextLong() >>> 32) * bound;
        if ((m & 0xFFFFFFFFL) < bound) {
            long threshold = (1L << 32) % bound;
            while ((m & 0xFFFFFFFFL) < threshold) {
                m = (nextLong() >>> 32) * bound;
            }
        }
        return (int) (m >>> 32);
    }

    /** A standard normal by Box–Muller from two uniforms (no cached second value, so the state stays four longs). */
    public double normal() {
        double u1 = 1.0 - nextDouble();
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** An exponential with rate 1: {@code −ln(1 − u)}. */
    public double exponential() {
        return -Math.log(1.0 - nextDouble());
    }

    /** The four state words, for a checkpoint. */
    public long[] state() {
        return new long[]{s0, s1, s2, s3};
    }

    /** Continues exactly where the generator that produced {@code state} stood. */
    public void restore(long[] state) {
        if (state == null || state.length != 4) {
            throw new IllegalArgumentException("Rng.restore: a state is 4 longs, got "
                    + (state == null ? "null" : state.length));
        }
        if ((state[0] | state[1] | state[2] | state[3]) == 0) {
            throw new IllegalArgumentException("Rng.restore: the all-zero state is not a valid xoshiro256** state");
        }
        s0 = state[0];
        s1 = state[1];
        s2 = state[2];
        s3 = state[3];
    }

    @Override
    public String toString() {
        return "Rng" + Arrays.toString(state());
    }
}
