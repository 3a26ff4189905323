package dev.topiary.nn;

import dev.topiary.backend.Backend;
import dev.topiary.backend.TensorArena;
import dev.topiary.backend.ref.ReferenceBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** MR.Q's default networks have the official code's shapes and parameter counts (mst-spec.md §2, §4.1). */
class MrqNetworksTest {
    private final Backend backend = new ReferenceBackend();

    private long[] counts(MrqConfig c) {
        try (TensorArena arena = backend.newArena()) {
            LayerContext ctx = LayerContext.of(backend, arena);
            return new long[] {MrqNetworks.encoder(ctx, c).parameterCount().total(),
                    MrqNetworks.value(ctx, c).parameterCount().total(),
                    MrqNetworks.policy(ctx, c).parameterCount().total()};
        }
    }

    @Test
    void dogRunDefaultsMatchTheOfficialCounts() {
        long[] n = counts(MrqConfig.defaults(223, 38));
        // zs 640,000 + za 9,984 + zsa 919,040 + model 296,514.
        assertEquals(1_865_538, n[0]);
        // Two heads of 3 × (512·512 + 512) + 513.
        assertEquals(1_576_962, n[1]);
        // 2 × (512·512 + 512) + 512·38 + 38.
        assertEquals(544_806, n[2]);
        assertEquals(3_987_306, n[0] + n[1] + n[2]);
    }

    @Test
    void widthMultiplierScalesEveryHiddenAndEmbeddingWidth() {
        long[] x2 = counts(MrqConfig.defaults(223, 38).withWidthMultiplier(2));
        assertEquals(7_138_882, x2[0]);
        assertEquals(15.58, Math.round((x2[0] + x2[1] + x2[2]) / 1e4) / 100.0);
        long[] humanoid = counts(MrqConfig.defaults(67, 21));
        assertEquals(3.89, Math.round((humanoid[0] + humanoid[1] + humanoid[2]) / 1e4) / 100.0);
    }

    @Test
    void defaultsUseMrqsActivationsAndNoAffineNorms() {
        try (TensorArena arena = backend.newArena()) {
            LayerContext ctx = LayerContext.of(backend, arena);
            MrqConfig c = MrqConfig.defaults(223, 38);
            Module policy = MrqNetworks.policy(ctx, c);
            String pi = policy.describe();
            assertEquals(2, count(pi, "RELU"));
            assertEquals(2, count(pi, "LayerNorm 512\n"));
            Module value = MrqNetworks.value(ctx, c);
            assertEquals(6, count(value.describe(), "ELU"));
            assertEquals(0, count(value.describe(), "PreResidual"));
            Module residual = MrqNetworks.value(ctx, c.withCriticResiduals());
            assertEquals(ArchType.TYPE_6, c.withCriticResiduals().valueType());
            assertEquals(4, count(residual.describe(), "PreResidual"));
            assertEquals(value.parameterCount(), residual.parameterCount());
        }
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
