package dev.topiary.sparse;

import dev.topiary.backend.AdamW;
import dev.topiary.backend.Backend;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import dev.topiary.nn.ArchType;
import dev.topiary.nn.DenseGradients;
import dev.topiary.nn.LayerContext;
import dev.topiary.nn.Mlp;
import dev.topiary.nn.Module;
import dev.topiary.nn.Network;
import dev.topiary.nn.TestBackends;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Supervised sanity run on the CPU backend: a sparse Type-4 MLP (16 → 64 → 64 → 4, sparsity 0.6 with ER densities)
 * learns a fixed random teacher network under each regime. Inputs are fresh every step (drawn on the backend), the
 * loss is MSE; the test requires the held-out loss after T = 1500 steps to fall below 3% of the loss of predicting
 * zero (the targets' mean square).
 */
class SanityRunTest {
    private static final int IN = 16;
    private static final int OUT = 4;
    private static final int BATCH = 128;
    private static final long T = 1500;
    private static final double REQUIRED = 0.03;

    static Stream<Arguments> regimes() {
        return Stream.of(
                Arguments.of(RegimeConfig.dense()),
                Arguments.of(RegimeConfig.staticSparse(0.6)),
                Arguments.of(new RegimeConfig.RigL(0.6, 100, 0.3, 0.8)),
                Arguments.of(new RegimeConfig.Set(0.6, 100, 0.3, 0.8)),
                Arguments.of(new RegimeConfig.Gmp(0.6, 100, 0.2, 0.8)),
                Arguments.of(new RegimeConfig.SparseToDense(0.6, 100, 0.8)));
    }

    @ParameterizedTest
    @MethodSource("regimes")
    void sparseMlpFitsTheTeacher(RegimeConfig config) {
        Backend b = TestBackends.cpu();
        try (TensorArena arena = b.newArena()) {
            LayerContext ctx = LayerContext.of(b, arena);
            Network teacher = Mlp.builder().type(ArchType.TYPE_2).input(IN).hidden(32).depth(1).output(OUT)
                    .build(ctx, "teacher");
            new Module("teacher", ctx, AdamW.of(0, 0), 0, List.of(teacher)).initialise(1234);
            Network student = Mlp.builder().type(ArchType.TYPE_4).input(IN).hidden(64).depth(2).output(OUT)
                    .build(ctx, "student");
            Module module = new Module("student", ctx, AdamW.of(3e-3f, 1e-4f), 0, List.of(student));
            SparseModule sm = SparseModule.create(module, config, T, 42);
            Tensor x = arena.f32(BATCH, IN);
            Tensor loss = arena.f32(1, 1);
            Tensor grad = arena.f32(BATCH, OUT);
            Tensor zero = arena.f32(BATCH, OUT);
            for (long t = 0; t < T; t++) {
                b.random().uniform(x, -1, 1, 7, t);
                Tensor y = teacher.forward(x);
                b.losses().mse(student.forward(x), y, null, loss, grad);
                student.backward(grad, false);
                sm.step(DenseGradients.of(student.pass(BATCH)));
            }
            b.random().uniform(x, -1, 1, 8, 0);
            Tensor y = teacher.forward(x);
            b.losses().mse(student.forward(x), y, null, loss, null);
            double fitted = loss.scalar();
            b.losses().mse(zero, y, null, loss, null);
            double baseline = loss.scalar();
            String summary = String.format("%s: held-out MSE %.5f, zero predictor %.5f, ratio %.4f, %s", sm.regime().name(),
                    fitted, baseline, fitted / baseline, module.parameterCount());
            System.out.println("sanity run " + summary);
            assertTrue(fitted < REQUIRED * baseline, summary);
        }
    }
}
