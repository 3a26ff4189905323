package dev.topiary.backend;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static dev.topiary.backend.OpTestSupport.forEachCandidate;
import static dev.topiary.backend.OpTestSupport.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** LossOps on every candidate backend against the float64 reference. */
@Tag("emu")
class LossParityTest {

    enum Loss { HUBER, MSE, CROSS_ENTROPY }

    static Stream<Arguments> cases() {
        return Stream.of(Loss.values()).flatMap(l -> OpTestSupport.shapes().map(s -> Arguments.of(l, s.get()[0],
                s.get()[1])));
    }

    static void apply(Backend b, Loss loss, Tensor pred, Tensor target, Tensor w, Tensor out, Tensor grad) {
        switch (loss) {
            case HUBER -> b.losses().huber(pred, target, 0.7f, w, out, grad);
            case MSE -> b.losses().mse(pred, target, w, out, grad);
            case CROSS_ENTROPY -> b.losses().crossEntropy(pred, target, w, out, grad);
        }
    }

    /** Targets: noisy values for regression, row distributions (some two-hot-like, some not summing to 1) for CE. */
    static float[] targets(SplittableRandom r, Loss loss, int rows, int cols) {
        if (loss != Loss.CROSS_ENTROPY) {
            return Parity.normal(r, rows * cols, 2);
        }
        float[] t = Parity.uniform(r, rows * cols, 0, 1);
        for (int i = 0; i < rows; i++) {
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += t[i * cols + j];
            }
            double mass = i % 3 == 2 ? 0.5 : 1.0;
            for (int j = 0; j < cols; j++) {
                t[i * cols + j] = (float) (t[i * cols + j] * mass / sum);
            }
        }
        return t;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void lossAndGradientWithAndWithoutWeightsAlsoInPlace(Loss loss, int rows, int cols) {
        long seed = Parity.freshSeed();
        SplittableRandom r = new SplittableRandom(seed);
        float[] pred = Parity.normal(r, rows * cols, 3);
        float[] target = targets(r, loss, rows, cols);
        float[] weights = Parity.uniform(r, rows, 0, 2);
        weights[0] = 0f;
        double tol = Parity.tolerance(rows * cols);
        double gradTol = Parity.tolerance(cols);
        forEachCandidate(rows, cols, loss + " " + rows + "×" + cols + " seed " + seed, p -> {
            for (boolean weighted : new boolean[] {false, true}) {
                Tensor[] x = p.f32(rows, cols, pred);
                Tensor[] t = p.f32(rows, cols, target);
                Tensor[] w = weighted ? p.f32(rows, 1, weights) : new Tensor[2];
                Tensor[] out = p.zeros(1, 1);
                Tensor[] grad = p.zeros(rows, cols);
                apply(p.ref, loss, x[0], t[0], w[0], out[0], null);
                apply(p.cand, loss, x[1], t[1], w[1], out[1], null);
                p.close("loss without grad, weighted=" + weighted, out, tol);
                apply(p.ref, loss, x[0], t[0], w[0], out[0], grad[0]);
                apply(p.cand, loss, x[1], t[1], w[1], out[1], grad[1]);
                p.close("loss, weighted=" + weighted, out, tol);
                p.close("grad, weighted=" + weighted, grad, gradTol);
                apply(p.ref, loss, x[0], t[0], w[0], out[0], x[0]);
                apply(p.cand, loss, x[1], t[1], w[1], out[1], x[1]);
                p.close("loss with grad into pred, weighted=" + weighted, out, tol);
                p.close("grad into pred, weighted=" + weighted, x, gradTol);
            }
        });
    }

    /** PyTorch's smooth_l1_loss(pred, target, beta=1.0) on a few hand-checked values: 0.125, 0.5, 1.5, 0 → mean. */
    @Test
    void huberMatchesSmoothL1() {
        float[] pred = {0.5f, -1f, 3f, 2f};
        float[] target = {0f, 0f, 1f, 2f};
        double expected = (0.125 + 0.5 + 1.5 + 0.0) / 4;
        float[] expectedGrad = {0.125f, -0.25f, 0.25f, 0f};
        for (Backend b : java.util.List.of(Parity.reference(), Parity.candidates().get(0))) {
            try (TensorArena a = b.newArena()) {
                Tensor loss = a.f32(1, 1);
                Tensor grad = a.f32(2, 2);
                b.losses().huber(a.f32(2, 2, pred), a.f32(2, 2, target), 1f, null, loss, grad);
                assertEquals(expected, loss.scalar(), 1e-7, b.name());
                org.junit.jupiter.api.Assertions.assertArrayEquals(expectedGrad, grad.toFloats(), 1e-7f, b.name());
            }
        }
    }

    /** Cross-entropy of a one-hot target with huge logits stays finite: −log softmax without overflow. */
    @Test
    void crossEntropyWithLargeLogits() {
        float[] logits = {1e4f, 0f, -1e4f, 3e4f};
        float[] target = {0f, 1f, 0f, 0f};
        for (Backend b : java.util.List.of(Parity.reference(), Parity.candidates().get(0))) {
            try (TensorArena a = b.newArena()) {
                Tensor loss = a.f32(1, 1);
                b.losses().crossEntropy(a.f32(1, 4, logits), a.f32(1, 4, target), null, loss, null);
                assertEquals(3e4, loss.scalar(), 1e-2, b.name());
            }
        }
    }

    @Test
    void validationNamesTheOp() {
        for (Backend b : java.util.List.of(Parity.reference(), Parity.candidates().get(0))) {
            try (TensorArena a = b.newArena()) {
                Tensor x = a.f32(3, 4);
                Tensor loss = a.f32(1, 1);
                rejects("huber", () -> b.losses().huber(x, a.f32(3, 5), 1f, null, loss, null));
                rejects("huber", () -> b.losses().huber(x, x, 0f, null, loss, null));
                rejects("mse", () -> b.losses().mse(x, x, a.f32(4, 1), loss, null));
                rejects("mse", () -> b.losses().mse(x, x, null, a.f32(1, 2), null));
                rejects("crossEntropy", () -> b.losses().crossEntropy(a.f32(0, 4), a.f32(0, 4), null, loss, null));
                rejects("crossEntropy", () -> b.losses().crossEntropy(x, a.f32(3, 4), null, loss, a.f32(3, 3)));
                Tensor t = a.f32(3, 4);
                rejects("mse", () -> b.losses().mse(x, t, null, loss, t));
            }
        }
    }
}
