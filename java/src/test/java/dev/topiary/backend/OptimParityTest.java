package dev.topiary.backend;

import dev.topiary.backend.kernel.KernelBackend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Optimizer ops against the reference: AdamW with and without a mask, global-norm clipping, Polyak averaging. */
@Tag("emu")
class OptimParityTest {
    private static final int[] SIZES = {1, 7, 31, 257, 1000, 40_000};
    private static final double[] DENSITIES = {0.0, -1.0, 0.05, 0.4, 1.0};

    /** Parameters, gradients and moments of one AdamW test, as host arrays. */
    private record State(float[] param, float[] grad, float[] m, float[] v, byte[] mask) {
    }

    @Test
    void adamWMatchesTheReferenceOverSeveralSteps() {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        AdamW hp = new AdamW(3e-3f, 0.9f, 0.999f, 1e-8f, 0.01f);
        for (int n : SIZES) {
            for (double density : new double[]{2.0, 0.4, -1.0, 0.0}) {
                State s = state(r, n, density);
                double[][] expected = adamW(Parity.reference(), s, hp, 5);
                for (Backend b : Parity.candidates()) {
                    double[][] got = adamW(b, s, hp, 5);
                    String what = b.description() + " adamW n=" + n + " density " + density + " seed " + seed;
                    for (int part = 0; part < 3; part++) {
                        Parity.assertClose(what + " part " + part, expected[part], got[part], Parity.tolerance(64));
                    }
                    if (s.mask() != null) {
                        assertMaskedEntriesArePositiveZero(what, s.mask(), got);
                    }
                }
                assertBitIdenticalAcrossThreadCounts(s, hp);
            }
        }
    }

    /** From zero parameters the result is the update itself, so the formula is checked to float precision. */
    @Test
    void adamWUpdateFromZeroMatchesTheReferenceToFloatPrecision() {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        AdamW hp = new AdamW(1e-3f, 0.8f, 0.99f, 1e-6f, 0.1f);
        for (int n : SIZES) {
            State s = state(r, n, 2.0);
            State fromZero = new State(new float[n], s.grad(), s.m(), s.v(), null);
            double[][] expected = adamW(Parity.reference(), fromZero, hp, 3);
            for (Backend b : Parity.candidates()) {
                Parity.assertClose(b.description() + " adamW from zero n=" + n + " seed " + seed, expected[0],
                        adamW(b, fromZero, hp, 3)[0], Parity.tolerance(64));
            }
        }
    }

    private static State state(SplittableRandom r, int n, double density) {
        byte[] mask = null;
        if (density <= 1.0) {
            mask = new byte[n];
            if (density < 0) {
                mask[r.nextInt(n)] = 1;
            } else {
                mask = Parity.mask(r, n, density);
            }
        }
        float[] param = Parity.normal(r, n, 0.5);
        float[] m = Parity.normal(r, n, 0.01);
        float[] v = Parity.uniform(r, n, 0, 1e-4);
        if (mask != null) {
            for (int i = 0; i < n; i++) {
                if (mask[i] == 0) {
                    param[i] = 0f;
                    m[i] = 0f;
                    v[i] = 0f;
                }
            }
        }
        return new State(param, Parity.normal(r, n, 1.0), m, v, mask);
    }

    /** {@code steps} AdamW steps from {@code s} (step counter 1, 2, ...), returning param, m and v. */
    private static double[][] adamW(Backend b, State s, AdamW hp, int steps) {
        int n = s.param().length;
        try (TensorArena a = b.newArena()) {
            Tensor p = a.f32(1, n, s.param());
            Tensor g = a.f32(1, n, s.grad());
            Tensor m = a.f32(1, n, s.m());
            Tensor v = a.f32(1, n, s.v());
            Tensor mask = null;
            if (s.mask() != null) {
                mask = a.u8(1, n);
                mask.copyFrom(s.mask());
            }
            Tensor step = a.i32(1, 1);
            for (int t = 0; t < steps; t++) {
                b.optim().incrementStep(step);
                b.optim().adamW(p, g, m, v, mask, hp, step);
            }
            assertEquals(steps, (int) step.scalar());
            return new double[][]{p.toDoubles(), m.toDoubles(), v.toDoubles()};
        }
    }

    private static void assertMaskedEntriesArePositiveZero(String what, byte[] mask, double[][] got) {
        for (double[] part : got) {
            for (int i = 0; i < mask.length; i++) {
                if (mask[i] == 0 && Double.doubleToRawLongBits(part[i]) != 0) {
                    throw new AssertionError(what + ": inactive entry " + i + " is " + part[i] + ", not +0.0");
                }
            }
        }
    }

    private static void assertBitIdenticalAcrossThreadCounts(State s, AdamW hp) {
        List<double[][]> runs = new ArrayList<>();
        for (Backend b : Parity.candidates()) {
            runs.add(adamW(b, s, hp, 2));
        }
        for (double[][] run : runs) {
            for (int part = 0; part < 3; part++) {
                assertArrayEquals(runs.get(0)[part], run[part], "AdamW differs between thread counts");
            }
        }
    }

    @Test
    void weightDecayNeverRevivesAPrunedWeight() {
        for (Backend b : backends()) {
            try (TensorArena a = b.newArena()) {
                Tensor p = a.f32(1, 4, new float[]{1f, 0f, -2f, 0f});
                Tensor g = a.f32(1, 4, new float[]{0.5f, 3f, -1f, -0f});
                Tensor m = a.f32(1, 4);
                Tensor v = a.f32(1, 4);
                Tensor mask = a.u8(1, 4);
                mask.copyFrom(new byte[]{1, 0, 1, 0});
                Tensor step = a.i32(1, 1);
                for (int t = 0; t < 10; t++) {
                    b.optim().incrementStep(step);
                    b.optim().adamW(p, g, m, v, mask, new AdamW(0.1f, 0.9f, 0.999f, 1e-8f, 0.5f), step);
                }
                for (Tensor t : new Tensor[]{p, m, v}) {
                    float[] x = t.toFloats();
                    assertEquals(0, Float.floatToRawIntBits(x[1]), b.name());
                    assertEquals(0, Float.floatToRawIntBits(x[3]), b.name());
                    assertTrue(x[0] != 0 && x[2] != 0, b.name());
                }
            }
        }
    }

    @Test
    void adamWRejectsAStepCounterThatWasNeverIncremented() {
        for (Backend b : backends()) {
            try (TensorArena a = b.newArena()) {
                Tensor p = a.f32(1, 3, new float[]{1f, -2f, 3f});
                Tensor step = a.i32(1, 1);
                Runnable stepZero = () -> b.optim().adamW(p, a.f32(1, 3, new float[]{1f, 1f, 1f}), a.f32(1, 3),
                        a.f32(1, 3), null, AdamW.of(1e-3f, 0f), step);
                if (b instanceof KernelBackend) {
                    // The device cannot throw: kernel backends leave everything unchanged instead.
                    stepZero.run();
                    assertArrayEquals(new float[]{1f, -2f, 3f}, p.toFloats(), b.name());
                } else {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, stepZero::run);
                    assertTrue(e.getMessage().startsWith("adamW"), e.getMessage());
                }
                assertThrows(IllegalArgumentException.class, () -> b.optim().adamW(p, a.f32(1, 4), a.f32(1, 3),
                        a.f32(1, 3), null, AdamW.of(1e-3f, 0f), step));
            }
        }
    }

    @Test
    void sumOfSquaresAndClippingMatchTheReference() {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        int[] sizes = {1, 7, 31, 257, 1000, 70_001};
        float[][] grads = new float[sizes.length][];
        int total = 0;
        for (int i = 0; i < sizes.length; i++) {
            grads[i] = Parity.normal(r, sizes[i], 1.0);
            total += sizes[i];
        }
        for (float maxNorm : new float[]{1e6f, 5f}) {
            double[][] expected = clip(Parity.reference(), grads, maxNorm);
            List<double[][]> runs = new ArrayList<>();
            for (Backend b : Parity.candidates()) {
                double[][] got = clip(b, grads, maxNorm);
                String what = b.description() + " maxNorm " + maxNorm + " seed " + seed;
                Parity.assertClose(what + " sumOfSquares", expected[0], got[0], Parity.tolerance(total));
                for (int i = 1; i < got.length; i++) {
                    Parity.assertClose(what + " grads[" + (i - 1) + "]", expected[i], got[i], Parity.tolerance(total));
                }
                runs.add(got);
            }
            // Each kind of backend sums in its own fixed order: bit-identical within a kind (thread counts, block
            // sizes), close to the reference across kinds.
            List<Backend> candidates = Parity.candidates();
            for (int c = 0; c < runs.size(); c++) {
                int first = firstOfKind(candidates, c);
                for (int i = 0; i < runs.get(c).length; i++) {
                    assertArrayEquals(runs.get(first)[i], runs.get(c)[i], "clipping differs between thread counts or "
                            + "block sizes: " + candidates.get(c).description());
                }
            }
            if (maxNorm > 1e5f) {
                assertArrayEquals(toDoubles(grads[5]), runs.get(0)[6], "a norm below maxNorm leaves grads unchanged");
            }
        }
    }

    /** The index of the first candidate of the same class as candidate {@code c}. */
    private static int firstOfKind(List<Backend> candidates, int c) {
        int first = 0;
        while (candidates.get(first).getClass() != candidates.get(c).getClass()) {
            first++;
        }
        return first;
    }

    /** Sum of squares, clip, sum of squares again; returns [sumSq before, sumSq after] then every gradient. */
    private static double[][] clip(Backend b, float[][] grads, float maxNorm) {
        try (TensorArena a = b.newArena()) {
            Tensor[] g = new Tensor[grads.length];
            for (int i = 0; i < g.length; i++) {
                g[i] = a.f32(1, grads[i].length, grads[i]);
            }
            Tensor before = a.f32(1, 1);
            Tensor after = a.f32(1, 1);
            b.optim().sumOfSquares(g, before);
            b.optim().clipByGlobalNorm(g, before, maxNorm);
            b.optim().sumOfSquares(g, after);
            if (maxNorm < 100) {
                assertEquals(maxNorm, Math.sqrt(after.scalar()), 1e-4 * maxNorm, b.name() + " clipped norm");
            }
            double[][] out = new double[g.length + 1][];
            out[0] = new double[]{before.scalar(), after.scalar()};
            for (int i = 0; i < g.length; i++) {
                out[i + 1] = g[i].toDoubles();
            }
            return out;
        }
    }

    private static double[] toDoubles(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    @Test
    void polyakAveragesAndTauOneIsAnExactCopy() {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        for (int n : SIZES) {
            float[] target = Parity.normal(r, n, 1.0);
            float[] source = Parity.normal(r, n, 1.0);
            for (float tau : new float[]{0f, 0.005f, 0.5f, 1f}) {
                double[] expected = polyak(Parity.reference(), target, source, tau);
                for (Backend b : Parity.candidates()) {
                    double[] got = polyak(b, target, source, tau);
                    String what = b.description() + " polyak n=" + n + " tau " + tau + " seed " + seed;
                    Parity.assertClose(what, expected, got, Parity.tolerance(2));
                    if (tau == 1f) {
                        Parity.assertExact(what, toDoubles(source), got);
                    }
                    if (tau == 0f) {
                        Parity.assertExact(what, toDoubles(target), got);
                    }
                }
            }
        }
    }

    private static double[] polyak(Backend b, float[] target, float[] source, float tau) {
        try (TensorArena a = b.newArena()) {
            Tensor t = a.f32(1, target.length, target);
            b.optim().polyak(t, a.f32(1, source.length, source), tau);
            return t.toDoubles();
        }
    }

    @Test
    void invalidArgumentsNameTheOp() {
        for (Backend b : backends()) {
            try (TensorArena a = b.newArena()) {
                Tensor x = a.f32(2, 3);
                assertMessage("polyak", () -> b.optim().polyak(x, a.f32(3, 2), 0.5f));
                assertMessage("polyak", () -> b.optim().polyak(x, a.f32(2, 3), 1.5f));
                assertMessage("clipByGlobalNorm", () -> b.optim().clipByGlobalNorm(new Tensor[]{x}, a.f32(1, 1), 0f));
                assertMessage("sumOfSquares", () -> b.optim().sumOfSquares(new Tensor[]{x}, a.f32(1, 2)));
                assertMessage("incrementStep", () -> b.optim().incrementStep(a.f32(1, 1)));
                assertMessage("adamW", () -> b.optim().adamW(x, x, x, x, a.u8(3, 2), AdamW.of(1e-3f, 0f),
                        a.i32(1, 1)));
            }
        }
    }

    private static void assertMessage(String op, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().startsWith(op), e.getMessage());
    }

    private static List<Backend> backends() {
        List<Backend> all = new ArrayList<>();
        all.add(Parity.reference());
        all.addAll(Parity.candidates());
        return all;
    }
}
