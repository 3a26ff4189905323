package dev.topiary.nn;

import dev.topiary.backend.Backend;
import dev.topiary.backend.NnOps.Activation;
import dev.topiary.backend.Parity;
import dev.topiary.backend.SparseWeight.Layout;
import dev.topiary.backend.TensorArena;
import dev.topiary.nn.ArchType.Residual;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every layer's backward pass against central finite differences on the float64 reference backend. */
class LayerGradientTest {
    private final Backend backend = Parity.reference();
    private final TensorArena arena = backend.newArena();
    private final LayerContext ctx = LayerContext.of(backend, arena);
    private final long seed = Parity.freshSeed();

    @AfterEach
    void close() {
        arena.close();
    }

    /** Random values in every parameter (biases and norm scales included) so no gradient term vanishes. */
    private void randomise(Layer layer) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        List<Linear> linears = layer.linears();
        for (int i = 0; i < linears.size(); i++) {
            Init.xavierUniform(linears.get(i), Init.MRQ_GAIN, seed, Streams.weightInit(i));
        }
        for (Parameter p : layer.parameters()) {
            if (p instanceof VectorParameter v) {
                float[] values = GradCheck.uniform(random, (int) v.count());
                for (int i = 0; i < values.length; i++) {
                    values[i] = v.name().endsWith("gamma") ? 1 + values[i] / 2 : values[i] / 2;
                }
                v.value().copyFrom(values);
            }
        }
    }

    private void check(Layer layer, int batch) {
        randomise(layer);
        GradCheck.check(backend, arena, layer, batch, seed);
    }

    /** Gives the layer's weight a random mask of {@code k} entries, which also picks its layout. */
    private void sparsify(Linear layer, int k) {
        DenseView view = layer.weight().openView();
        backend.topology().randomMask(view.mask(), k, seed, 99);
        backend.topology().applyMaskChange(view.mask(), view.mask(), view.values(), view.m(), view.v());
        layer.weight().closeView(view, k);
    }

    @Test
    void linearDense() {
        Linear l = new Linear(ctx, "dense", 7, 5, true);
        check(l, 4);
        assertEquals(Layout.DENSE, l.weight().layout());
    }

    @Test
    void linearWithoutBias() {
        check(new Linear(ctx, "nobias", 3, 6, false), 2);
    }

    @Test
    void linearMasked() {
        Linear l = new Linear(ctx, "masked", 8, 6, true);
        sparsify(l, 24);
        assertEquals(Layout.MASKED, l.weight().layout());
        check(l, 3);
    }

    @Test
    void linearCompact() {
        Linear l = new Linear(ctx, "compact", 9, 7, true);
        sparsify(l, 10);
        assertEquals(Layout.COMPACT, l.weight().layout());
        check(l, 5);
    }

    @Test
    void layerNormWithAndWithoutAffine() {
        check(new LayerNorm(ctx, "plain", 6, false), 4);
        check(new LayerNorm(ctx, "affine", 5, true), 3);
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"RELU", "ELU", "TANH", "IDENTITY"})
    void activations(Activation f) {
        check(new ActivationLayer(ctx, f.name(), f, 9), 3);
    }

    @Test
    void preResidualBlock() {
        Layer inner = new Sequential("f", List.of(new Linear(ctx, "f.linear", 6, 6, true),
                new LayerNorm(ctx, "f.norm", 6, false), new ActivationLayer(ctx, "f.act", Activation.ELU, 6)));
        check(new PreResidual(ctx, "pre", inner), 3);
    }

    @Test
    void postResidualBlock() {
        Layer post = new Sequential("post", List.of(new LayerNorm(ctx, "post.norm", 5, false),
                new ActivationLayer(ctx, "post.act", Activation.ELU, 5)));
        check(new PostResidual(ctx, "post", new Linear(ctx, "linear", 5, 5, true), post), 4);
    }

    @Test
    void simbaBlockAndNetwork() {
        check(Simba.block(ctx, "block", 4), 3);
        check(Simba.network(ctx, "simba", 5, 4, 2, 3).root(), 2);
    }

    @ParameterizedTest
    @EnumSource(ArchType.class)
    void mlpOfEveryType(ArchType type) {
        Network n = Mlp.builder().type(type).input(5).hidden(6).depth(3).output(2).build(ctx, "mlp");
        sparsify(n.linears().get(1), 12);
        check(n.root(), 3);
    }

    @Test
    void mlpWithPostResidualsAndActivatedOutput() {
        Network n = Mlp.builder().type(ArchType.TYPE_4).residual(Residual.POST).input(4).hidden(5).depth(3)
                .output(3).activatedOutput(true).build(ctx, "mlp");
        check(n.root(), 2);
    }
}
