package dev.topiary.backend;

import dev.topiary.backend.NnOps.Activation;
import dev.topiary.backend.ReduceOps.Kind;
import dev.topiary.backend.cpu.CpuBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The CPU element, NN, loss and reduction ops give bit-identical results with 1 and with 2 threads, on inputs large
 * enough to be split into many tasks: 1000×1000 and a 2¹⁸-row column for the sums, 257×1000, 20000×3 and 50000×1
 * for the row ops.
 */
class CpuDeterminismTest {
    private static final CpuBackend ONE = new CpuBackend(1);
    private static final CpuBackend TWO = new CpuBackend(2);
    private static final int[][] SUM_SHAPES = {{1000, 1000}, {262_144, 1}};
    private static final int[][] ROW_SHAPES = {{257, 1000}, {20_000, 3}, {50_000, 1}};

    @AfterAll
    static void closeBackends() {
        ONE.close();
        TWO.close();
    }

    /** Runs {@code ops} on both backends from the same inputs and compares every output bit for bit. */
    private static void sameBits(String what, BiFunction<Backend, TensorArena, List<Tensor>> ops) {
        try (TensorArena a1 = ONE.newArena(); TensorArena a2 = TWO.newArena()) {
            List<Tensor> r1 = ops.apply(ONE, a1);
            List<Tensor> r2 = ops.apply(TWO, a2);
            for (int i = 0; i < r1.size(); i++) {
                assertArrayEquals(r1.get(i).toFloats(), r2.get(i).toFloats(), what + ": output " + i);
            }
        }
    }

    @Test
    void reductions() {
        long seed = Parity.freshSeed();
        for (int[] s : SUM_SHAPES) {
            float[] x = Parity.normal(new SplittableRandom(seed), s[0] * s[1], 1);
            sameBits("reductions " + s[0] + "×" + s[1] + " seed " + seed, (b, a) -> {
                Tensor xt = a.f32(s[0], s[1], x);
                List<Tensor> out = new ArrayList<>();
                for (Kind kind : Kind.values()) {
                    Tensor all = a.f32(1, 1);
                    b.reduce().all(kind, xt, all);
                    Tensor cols = a.f32(1, s[1]);
                    b.reduce().cols(kind, xt, 0f, cols);
                    Tensor rows = a.f32(s[0], 1);
                    b.reduce().rows(kind, xt, rows);
                    out.addAll(List.of(all, cols, rows));
                }
                return out;
            });
        }
    }

    @Test
    void nnOps() {
        long seed = Parity.freshSeed();
        for (int[] s : ROW_SHAPES) {
            int rows = s[0];
            int cols = s[1];
            SplittableRandom r = new SplittableRandom(seed);
            float[] x = Parity.normal(r, rows * cols, 2);
            float[] dy = Parity.normal(r, rows * cols, 1);
            float[] gamma = Parity.uniform(r, cols, 0.5, 1.5);
            sameBits("nn " + rows + "×" + cols + " seed " + seed, (b, a) -> {
                Tensor xt = a.f32(rows, cols, x);
                Tensor dyt = a.f32(rows, cols, dy);
                Tensor g = a.f32(1, cols, gamma);
                Tensor y = a.f32(rows, cols);
                Tensor mean = a.f32(rows, 1);
                Tensor rstd = a.f32(rows, 1);
                b.nn().layerNorm(xt, g, g, 1e-5f, y, mean, rstd);
                Tensor dx = a.f32(rows, cols);
                Tensor dg = a.f32(1, cols);
                Tensor db = a.f32(1, cols);
                b.nn().layerNormBackward(dyt, xt, g, mean, rstd, dx, dg, db);
                Tensor sm = a.f32(rows, cols);
                b.nn().logSoftmax(xt, sm);
                Tensor dsm = a.f32(rows, cols);
                b.nn().logSoftmaxBackward(sm, dyt, dsm);
                Tensor gs = a.f32(rows, cols);
                b.nn().gumbelSoftmax(xt, 0.5f, seed, 3, gs);
                Tensor act = a.f32(rows, cols);
                b.nn().activation(Activation.ELU, xt, act);
                b.elements().unary(ElementOps.Unary.SYMLOG, act, act);
                return List.of(y, mean, rstd, dx, dg, db, sm, dsm, gs, act);
            });
        }
    }

    @Test
    void losses() {
        long seed = Parity.freshSeed();
        for (int[] s : ROW_SHAPES) {
            int rows = s[0];
            int cols = s[1];
            SplittableRandom r = new SplittableRandom(seed);
            float[] pred = Parity.normal(r, rows * cols, 2);
            float[] target = Parity.uniform(r, rows * cols, 0, 1);
            float[] w = Parity.uniform(r, rows, 0, 1);
            sameBits("losses " + rows + "×" + cols + " seed " + seed, (b, a) -> {
                Tensor p = a.f32(rows, cols, pred);
                Tensor t = a.f32(rows, cols, target);
                Tensor wt = a.f32(rows, 1, w);
                List<Tensor> out = new ArrayList<>();
                for (int k = 0; k < 3; k++) {
                    Tensor loss = a.f32(1, 1);
                    Tensor grad = a.f32(rows, cols);
                    switch (k) {
                        case 0 -> b.losses().huber(p, t, 1f, wt, loss, grad);
                        case 1 -> b.losses().mse(p, t, wt, loss, grad);
                        default -> b.losses().crossEntropy(p, t, wt, loss, grad);
                    }
                    out.add(loss);
                    out.add(grad);
                }
                return out;
            });
        }
    }
}
