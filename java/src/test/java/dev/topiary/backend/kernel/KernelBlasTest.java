package dev.topiary.backend.kernel;

import dev.topiary.backend.Backend;
import dev.topiary.backend.BlasOps.Trans;
import dev.topiary.backend.Parity;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Every GEMM kernel of {@code kernels/gemm.cu} against the float64 reference, whatever plan the host would choose:
 * both fp32 tiles with and without a k split, and the TF32 kernel (checked against the reference on TF32-rounded
 * inputs), for every transpose, at ragged multi-tile sizes with odd and vector-friendly leading dimensions, beta 0
 * over NaN and beta ≠ 0; the bias and mask the sparse layer fuses into the store; bit-identical results for the two
 * block sizes the emulated backend runs. Runs on kernel backends only (emulated, or CUDA where present).
 */
@Tag("emu")
class KernelBlasTest {

    /** {tile, splits, tf32 (0/1)}: every kernel family and the split-K reduce. */
    private static final int[][] PLANS = {{64, 1, 0}, {64, 3, 0}, {128, 1, 0}, {128, 2, 0}, {128, 1, 1}, {128, 2, 1}};
    /** {m, n, k}: one tile with odd leading dimensions; several tiles, ragged; several tiles, all multiples of 4. */
    private static final int[][] SHAPES = {{7, 33, 65}, {130, 65, 36}, {132, 68, 40}};

    static List<KernelBackend> kernelBackends() {
        List<KernelBackend> out = new ArrayList<>();
        for (Backend b : Parity.candidates()) {
            if (b instanceof KernelBackend k) {
                out.add(k);
            }
        }
        return out;
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (int[] p : PLANS) {
            for (Trans ta : Trans.values()) {
                for (Trans tb : Trans.values()) {
                    out.add(Arguments.of(p[0], p[1], p[2] == 1, ta, tb));
                }
            }
        }
        return out.stream();
    }

    /** Rounds to TF32 as cvt.rna.tf32.f32 does: 10 mantissa bits, nearest, ties away from zero. */
    static float tf32(float x) {
        int u = Float.floatToRawIntBits(x);
        if ((u & 0x7f800000) != 0x7f800000) {
            u = (u + 0x1000) & 0xffffe000;
        }
        return Float.intBitsToFloat(u);
    }

    private static float[] rounded(float[] a) {
        float[] r = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = tf32(a[i]);
        }
        return r;
    }

    /** One product's operands: op(A) is m × k, op(B) k × n, as stored. */
    private record Operands(int ar, int ac, int br, int bc, float[] a, float[] b, float[] c) {
        static Operands random(Trans ta, Trans tb, int m, int n, int k, long seed, boolean nanC) {
            SplittableRandom r = new SplittableRandom(seed);
            int ar = ta == Trans.N ? m : k;
            int ac = ta == Trans.N ? k : m;
            int br = tb == Trans.N ? k : n;
            int bc = tb == Trans.N ? n : k;
            float[] c = Parity.normal(r, m * n, 1);
            if (nanC) {
                Arrays.fill(c, Float.NaN);
            }
            return new Operands(ar, ac, br, bc, Parity.normal(r, ar * ac, 1), Parity.normal(r, br * bc, 1), c);
        }
    }

    private static double[] expected(Trans ta, Trans tb, int m, int n, float alpha, float beta, Operands o,
                                     boolean tf32) {
        Backend ref = Parity.reference();
        try (TensorArena arena = ref.newArena()) {
            Tensor c = arena.f32(m, n, o.c());
            ref.blas().gemm(ta, tb, alpha, arena.f32(o.ar(), o.ac(), tf32 ? rounded(o.a()) : o.a()),
                    arena.f32(o.br(), o.bc(), tf32 ? rounded(o.b()) : o.b()), beta, c);
            return c.toDoubles();
        }
    }

    private static float[] actual(KernelBackend be, Trans ta, Trans tb, int m, int n, float alpha, float beta,
                                  Operands o) {
        try (TensorArena arena = be.newArena()) {
            Tensor c = arena.f32(m, n, o.c());
            be.blas().gemm(ta, tb, alpha, arena.f32(o.ar(), o.ac(), o.a()), arena.f32(o.br(), o.bc(), o.b()), beta,
                    c);
            return c.toFloats();
        }
    }

    private static void plan(KernelBackend be, int tile, int splits, boolean tf32) {
        KernelBlas blas = (KernelBlas) be.blas();
        blas.forcePlan(tile, splits);
        blas.setTf32(tf32);
    }

    @ParameterizedTest(name = "tile {0} splits {1} tf32 {2} {3}{4}")
    @MethodSource("cases")
    void everyKernelMatchesTheReference(int tile, int splits, boolean tf32, Trans ta, Trans tb) {
        List<KernelBackend> backends = kernelBackends();
        assumeFalse(backends.isEmpty(), "no kernel backend among the parity candidates");
        for (int[] s : SHAPES) {
            long seed = Parity.freshSeed();
            boolean betaZero = s == SHAPES[0];
            float beta = betaZero ? 0f : -0.5f;
            Operands o = Operands.random(ta, tb, s[0], s[1], s[2], seed, betaZero);
            double[] want = expected(ta, tb, s[0], s[1], 0.75f, beta, o, tf32);
            String what = "gemm(" + ta + tb + ") " + s[0] + "×" + s[1] + "×" + s[2] + " tile " + tile + " splits "
                    + splits + " tf32 " + tf32 + " seed " + seed;
            List<float[]> got = new ArrayList<>();
            for (KernelBackend be : backends) {
                plan(be, tile, splits, tf32);
                try {
                    got.add(actual(be, ta, tb, s[0], s[1], 0.75f, beta, o));
                } finally {
                    plan(be, 0, 0, false);
                }
                // A GPU's tensor cores may accumulate the rounded products in another order.
                double tol = Parity.tolerance(s[2]) * (tf32 ? 4 : 1);
                Parity.assertClose(what + " on " + be.description(), want, got.getLast(), tol);
            }
            for (int i = 1; i < got.size(); i++) {
                assertArrayEquals(got.getFirst(), got.get(i), what + ": results differ between kernel backends");
            }
        }
    }

    @Test
    void tf32ChangesTheResultByInputRoundingOnly() {
        List<KernelBackend> backends = kernelBackends();
        assumeFalse(backends.isEmpty(), "no kernel backend among the parity candidates");
        long seed = Parity.freshSeed();
        Operands o = Operands.random(Trans.N, Trans.T, 40, 50, 70, seed, false);
        double[] exact = expected(Trans.N, Trans.T, 40, 50, 1f, 0f, o, false);
        for (KernelBackend be : backends) {
            KernelBlas blas = (KernelBlas) be.blas();
            assertTrue(!blas.tf32(), "TF32 must be off by default");
            blas.setTf32(true);
            float[] got;
            try {
                got = actual(be, Trans.N, Trans.T, 40, 50, 1f, 0f, o);
            } finally {
                blas.setTf32(false);
            }
            double worst = 0;
            for (int i = 0; i < got.length; i++) {
                worst = Math.max(worst, Math.abs(got[i] - exact[i]));
            }
            // Normal inputs rounded to 10 mantissa bits move a 70-term sum by ~1e-3; fp32 alone by ~1e-6.
            assertTrue(worst > 1e-5 && worst < 5e-2, "TF32 deviation " + worst + " on " + be.description()
                    + ", seed " + seed);
        }
    }

    @Test
    void biasAndMaskAreAppliedInTheStore() {
        List<KernelBackend> backends = kernelBackends();
        assumeFalse(backends.isEmpty(), "no kernel backend among the parity candidates");
        int m = 70;
        int n = 45;
        int k = 300;
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        Operands o = Operands.random(Trans.T, Trans.N, m, n, k, seed, false);
        float[] bias = Parity.normal(r, n, 1);
        byte[] mask = Parity.mask(r, m * n, 0.4);
        double[] product = expected(Trans.T, Trans.N, m, n, 1.5f, 0f, o, false);
        double[] want = new double[m * n];
        for (int i = 0; i < m * n; i++) {
            want[i] = (mask[i] != 0 ? product[i] : 0) + bias[i % n] + 0.25 * o.c()[i];
        }
        for (KernelBackend be : backends) {
            for (int splits : new int[] {1, 3}) {
                plan(be, 64, splits, false);
                try (TensorArena arena = be.newArena()) {
                    Tensor a = arena.f32(o.ar(), o.ac(), o.a());
                    Tensor b = arena.f32(o.br(), o.bc(), o.b());
                    Tensor c = arena.f32(m, n, o.c());
                    Tensor bt = arena.f32(1, n, bias);
                    Tensor mt = arena.u8(m, n);
                    mt.copyFrom(mask);
                    ((KernelBlas) be.blas()).gemm(true, false, m, n, k, 1.5f, KernelTensor.ptr(a), KernelTensor.ptr(b),
                            0.25f, KernelTensor.ptr(c), KernelTensor.ptr(bt), KernelTensor.ptr(mt));
                    Parity.assertClose("fused bias and mask, splits " + splits + ", seed " + seed + " on "
                            + be.description(), want, c.toFloats(), Parity.tolerance(k));
                } finally {
                    plan(be, 0, 0, false);
                }
            }
        }
    }

    @Test
    void planFillsTheGpuForLayerShapes() {
        List<KernelBackend> backends = kernelBackends();
        assumeFalse(backends.isEmpty(), "no kernel backend among the parity candidates");
        KernelBlas blas = (KernelBlas) backends.getFirst().blas();
        // Batch 256, width 4096: 64 tiles of 128², so k is split in two (128 blocks).
        assertEquals(new KernelBlas.Plan(128, 2, 2048), blas.plan(256, 4096, 4096, false));
        // The weight gradient at that width has 1024 tiles: no split.
        assertEquals(new KernelBlas.Plan(128, 1, 256), blas.plan(4096, 4096, 256, false));
        // Width 1024: 64-wide tiles, 64 of them, k split in two.
        assertEquals(new KernelBlas.Plan(64, 2, 512), blas.plan(256, 1024, 1024, false));
    }
}
