package dev.topiary.nn;

import dev.topiary.backend.Backend;
import dev.topiary.backend.TensorArena;
import dev.topiary.backend.ref.ReferenceBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The six architecture types build with the documented layer sequences, shapes and parameter counts. */
class MlpTypesTest {
    private final Backend backend = new ReferenceBackend();

    /** The documented layer sequence of each type for input 10, hidden 16, depth 3, output 4. */
    private static String expected(ArchType type) {
        String act = type.activation().name();
        String post = (type.layerNorm() ? " LN16" : "") + " " + act;
        String hidden = "Linear16x16" + post;
        if (type.residual() == ArchType.Residual.PRE) {
            hidden = "[ " + hidden + " ]";
        }
        return "Linear10x16" + post + " " + hidden + " " + hidden + " Linear16x4";
    }

    /** The layer sequence of a network, names stripped: {@code Linear<in>x<out>}, {@code LN<w>}, activations, [blocks]. */
    static String signature(Network n) {
        StringBuilder sb = new StringBuilder();
        walk(n.root(), sb);
        return sb.toString().trim();
    }

    private static void walk(Layer layer, StringBuilder sb) {
        switch (layer) {
            case Sequential s -> s.layers().forEach(l -> walk(l, sb));
            case PreResidual r -> {
                sb.append(" [");
                walk(r.inner(), sb);
                sb.append(" ]");
            }
            case Linear l -> sb.append(" Linear").append(l.inFeatures()).append('x').append(l.outFeatures());
            case LayerNorm ln -> sb.append(" LN").append(ln.outFeatures());
            case ActivationLayer a -> sb.append(' ').append(a.function().name());
            default -> sb.append(" ?");
        }
    }

    @ParameterizedTest
    @EnumSource(ArchType.class)
    void everyTypeBuildsTheDocumentedStack(ArchType type) {
        try (TensorArena arena = backend.newArena()) {
            Mlp.Builder b = Mlp.builder().type(type).input(10).hidden(16).depth(3).output(4);
            Network n = b.build(LayerContext.of(backend, arena), "mlp");
            assertEquals(expected(type), signature(n));
            // 10·16+16 + 2·(16·16+16) + 16·4+4: LayerNorm has no parameters, residuals none either.
            assertEquals(788, n.parameterCount().total());
            assertEquals(788, n.parameterCount().active());
            assertEquals(788, b.parameterCount());
            List<int[]> shapes = b.linearShapes();
            assertArrayEquals(new int[] {16, 10}, shapes.get(0));
            assertArrayEquals(new int[] {4, 16}, shapes.get(3));
        }
    }

    @Test
    void typeNumbersFollowTheDocumentedMapping() {
        assertEquals("RELU false NONE", describe(ArchType.of(1)));
        assertEquals("ELU false NONE", describe(ArchType.of(2)));
        assertEquals("RELU true NONE", describe(ArchType.of(3)));
        assertEquals("ELU true NONE", describe(ArchType.of(4)));
        assertEquals("RELU true PRE", describe(ArchType.of(5)));
        assertEquals("ELU true PRE", describe(ArchType.of(6)));
        assertThrows(IllegalArgumentException.class, () -> ArchType.of(7));
    }

    private static String describe(ArchType t) {
        return t.activation() + " " + t.layerNorm() + " " + t.residual();
    }

    @Test
    void widthMultiplierAndDepthChangeTheCountsByTheFormula() {
        try (TensorArena arena = backend.newArena()) {
            LayerContext ctx = LayerContext.of(backend, arena);
            Network wide = Mlp.builder().type(ArchType.TYPE_6).input(10).hidden(16).depth(3).output(4)
                    .widthMultiplier(2).build(ctx, "wide");
            assertEquals(10 * 32 + 32 + 2 * (32 * 32 + 32) + 32 * 4 + 4, wide.parameterCount().total());
            Network deep = Mlp.builder().type(ArchType.TYPE_2).input(10).hidden(16).depth(5).output(0).build(ctx, "deep");
            assertEquals("Linear10x16 ELU Linear16x16 ELU Linear16x16 ELU Linear16x16 ELU Linear16x16 ELU",
                    signature(deep));
            assertEquals(10 * 16 + 16 + 4 * (16 * 16 + 16), deep.parameterCount().total());
        }
    }

    @Test
    void activeCountFollowsTheMasks() {
        try (TensorArena arena = backend.newArena()) {
            Network n = Mlp.builder().type(ArchType.TYPE_4).input(10).hidden(16).depth(2).output(4)
                    .build(LayerContext.of(backend, arena), "mlp");
            WeightParameter w = n.linears().get(1).weight();
            DenseView view = w.openView();
            backend.topology().randomMask(view.mask(), 100, 1, 2);
            backend.topology().applyMaskChange(view.mask(), view.mask(), view.values(), view.m(), view.v());
            w.closeView(view, 100);
            long total = 10 * 16 + 16 + 16 * 16 + 16 + 16 * 4 + 4;
            assertEquals(new ParameterCount(total, total - 256 + 100), n.parameterCount());
        }
    }

    @Test
    void invalidShapesAreRejectedWithTheReason() {
        var e = assertThrows(IllegalArgumentException.class, () -> Mlp.builder().input(3).depth(0).linearShapes());
        assertEquals(true, e.getMessage().contains("depth 0"));
    }
}
