package dev.topiary.backend;

import dev.topiary.backend.BlasOps.Trans;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU GEMM against the float64 reference: every transpose combination, awkward sizes (edges of the register
 * tile: 8 × 32 with 512-bit vectors, 4 × 16 with 256-bit ones; several k blocks, several row and column tasks), alpha
 * and beta, and bit-identical results for one and two threads. Surefire runs it twice on an AVX-512 machine, once
 * with the vectors capped at 256 bits (java/pom.xml), so both tiles are checked.
 */
@Tag("emu")
class BlasParityTest {

    /** {m, n, k}: sizes from {1, 7, 31, 257, 1000} plus shapes that cross the blocking boundaries. */
    private static final int[][] SHAPES = {
        {1, 1, 1}, {7, 31, 257}, {257, 7, 31}, {31, 257, 7}, {1, 1000, 31}, {1000, 1, 7}, {31, 7, 1000},
        {257, 257, 257}, {600, 130, 520}, {33, 1000, 17}, {16, 32, 16},
    };

    /** The capped run must really use the vector width it was started for, or it checks nothing new. */
    @Test
    void vectorWidthIsTheOneTheRunAskedFor() {
        String expected = System.getProperty("topiary.expect.vectorBits");
        int bits = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
        assertTrue(expected == null || Integer.parseInt(expected) == bits,
                "this run was started for " + expected + "-bit vectors but the JVM prefers " + bits + "-bit ones");
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (int[] s : SHAPES) {
            for (Trans ta : Trans.values()) {
                for (Trans tb : Trans.values()) {
                    out.add(Arguments.of(ta, tb, s[0], s[1], s[2]));
                }
            }
        }
        return out.stream();
    }

    private record Result(double[] expected, List<float[]> actual) {
    }

    /** Runs one gemm on the reference and on every candidate with the same inputs. */
    private static Result run(Trans ta, Trans tb, int m, int n, int k, float alpha, float beta, long seed,
                              boolean nanInC) {
        SplittableRandom r = new SplittableRandom(seed);
        int ar = ta == Trans.N ? m : k;
        int ac = ta == Trans.N ? k : m;
        int br = tb == Trans.N ? k : n;
        int bc = tb == Trans.N ? n : k;
        float[] a = Parity.normal(r, ar * ac, 1);
        float[] b = Parity.normal(r, br * bc, 1);
        float[] c = Parity.normal(r, m * n, 1);
        if (nanInC) {
            Arrays.fill(c, Float.NaN);
        }
        double[] expected;
        try (TensorArena arena = Parity.reference().newArena()) {
            Tensor cc = arena.f32(m, n, c);
            Parity.reference().blas().gemm(ta, tb, alpha, arena.f32(ar, ac, a), arena.f32(br, bc, b), beta, cc);
            expected = cc.toDoubles();
        }
        List<float[]> actual = new ArrayList<>();
        for (Backend be : Parity.candidates()) {
            try (TensorArena arena = be.newArena()) {
                Tensor cc = arena.f32(m, n, c);
                be.blas().gemm(ta, tb, alpha, arena.f32(ar, ac, a), arena.f32(br, bc, b), beta, cc);
                actual.add(cc.toFloats());
            }
        }
        return new Result(expected, actual);
    }

    @ParameterizedTest(name = "{0}{1} {2}×{3}×{4}")
    @MethodSource("cases")
    void matchesReference(Trans ta, Trans tb, int m, int n, int k) {
        long seed = Parity.freshSeed();
        Result res = run(ta, tb, m, n, k, 0.75f, -0.5f, seed, false);
        String what = "gemm(" + ta + tb + ") " + m + "×" + n + "×" + k + " seed " + seed;
        for (int i = 0; i < res.actual.size(); i++) {
            Parity.assertClose(what + " on " + Parity.candidates().get(i).description(), res.expected,
                    res.actual.get(i), Parity.tolerance(k));
        }
        assertArrayEquals(res.actual.get(0), res.actual.get(1), what + ": results differ between thread counts");
    }

    @Test
    void betaZeroIgnoresOldContentsEvenNaN() {
        long seed = Parity.freshSeed();
        for (Trans ta : Trans.values()) {
            Result res = run(ta, Trans.T, 70, 45, 300, 1.5f, 0f, seed, true);
            for (float[] got : res.actual) {
                Parity.assertClose("gemm beta=0 over NaN, seed " + seed, res.expected, got, Parity.tolerance(300));
            }
        }
    }

    @Test
    void emptyInnerDimensionScalesC() {
        long seed = Parity.freshSeed();
        Result res = run(Trans.N, Trans.N, 9, 40, 0, 2f, 0.5f, seed, false);
        for (float[] got : res.actual) {
            Parity.assertClose("gemm with k = 0, seed " + seed, res.expected, got, Parity.tolerance(1));
        }
    }

    @Test
    void deterministicAtTrainingSizes() {
        long seed = Parity.freshSeed();
        Result res = run(Trans.N, Trans.T, 256, 1024, 300, 1f, 0f, seed, false);
        assertArrayEquals(res.actual.get(0), res.actual.get(1), "256×1024×300 differs between thread counts, seed "
                + seed);
        Parity.assertClose("gemm 256×1024×300 seed " + seed, res.expected, res.actual.get(0), Parity.tolerance(300));
    }

    @Test
    void rejectsBadShapesNamingTheOp() {
        for (Backend be : Parity.candidates()) {
            try (TensorArena arena = be.newArena()) {
                Tensor a = arena.f32(3, 4);
                Tensor b = arena.f32(5, 6);
                Tensor c = arena.f32(3, 6);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> be.blas().gemm(Trans.N, Trans.N, 1f, a, b, 0f, c));
                assertTrue(e.getMessage().startsWith("gemm(NN)"), e.getMessage());
                Tensor wrongC = arena.f32(4, 6);
                Tensor b2 = arena.f32(4, 6);
                e = assertThrows(IllegalArgumentException.class,
                        () -> be.blas().gemm(Trans.N, Trans.N, 1f, a, b2, 0f, wrongC));
                assertTrue(e.getMessage().startsWith("gemm(NN)"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class,
                        () -> be.blas().gemm(Trans.T, Trans.N, 1f, a, b2, 0f, c));
                assertTrue(e.getMessage().startsWith("gemm(TN)"), e.getMessage());
            }
        }
    }
}
