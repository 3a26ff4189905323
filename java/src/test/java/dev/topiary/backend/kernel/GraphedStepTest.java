package dev.topiary.backend.kernel;

import dev.topiary.backend.ElementOps.Binary;
import dev.topiary.backend.Parity;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Graphed steps on the kernel backend give exactly the eager results while replaying cached graphs: only the kernel
 * nodes whose arguments changed are updated, a host transfer splits a step into segments, and a step that
 * alternates between two shapes keeps a graph for each. Runs on the emulated kernels (whose graphs re-run their
 * nodes with the same by-value arguments a CUDA graph holds, so a missed update gives a wrong answer there too).
 */
class GraphedStepTest {
    private static final int N = 777;

    /** The tensors of one backend: x, and the step's outputs y, z. */
    private record Fixture(KernelBackend b, TensorArena arena, Tensor x, Tensor y, Tensor z, Tensor w) {
        static Fixture open(boolean graphs, float[] x0) {
            KernelBackend b = KernelBackend.emulated(64);
            b.useGraphs(graphs);
            TensorArena a = b.newArena();
            return new Fixture(b, a, a.f32(1, N, x0), a.f32(1, N), a.f32(1, N), a.f32(1, N));
        }

        /** y = s·x + 1; z = y + x; w = z (a device copy); with {@code extra}: z = max(z, y) in between. */
        void step(float s, boolean extra) {
            b.elements().affine(x, s, 1f, y);
            b.elements().binary(Binary.ADD, y, x, z);
            if (extra) {
                b.elements().binary(Binary.MAX, z, y, z);
            }
            b.elements().copy(z, w);
        }

        void close() {
            arena.close();
            b.close();
        }
    }

    private static float[] fresh() {
        return Parity.uniform(new SplittableRandom(Parity.freshSeed()), N, -2, 2);
    }

    @Test
    void replayedGraphsUpdateOnlyTheChangedNodesAndMatchEagerResults() {
        float[] x0 = fresh();
        Fixture graphed = Fixture.open(true, x0);
        Fixture eager = Fixture.open(false, x0);
        try {
            for (int call = 0; call < 6; call++) {
                float s = 0.5f + call;
                graphed.b.graphed("test/step", () -> graphed.step(s, false));
                eager.b.graphed("test/step", () -> eager.step(s, false));
                assertArrayEquals(eager.w.toFloats(), graphed.w.toFloats(), "call " + call);
            }
            Map<String, Long> c = graphed.b.graphCounters();
            assertEquals(1, c.get("graph_builds"), c.toString());
            assertEquals(6, c.get("graph_launches"), c.toString());
            assertEquals(5, c.get("node_updates"), "only the affine node's scale changes: " + c);
            assertEquals(0, eager.b.graphCounters().get("segments"), "graphs off: the steps ran op by op");
        } finally {
            graphed.close();
            eager.close();
        }
    }

    @Test
    void aHostReadSplitsTheStepAndTwoShapesKeepTwoGraphs() {
        float[] x0 = fresh();
        Fixture graphed = Fixture.open(true, x0);
        Fixture eager = Fixture.open(false, x0);
        try {
            float[][] readInside = new float[2][];
            for (int call = 0; call < 8; call++) {
                float s = -1.25f * call;
                boolean extra = call % 2 == 1;
                int k = call;
                for (Fixture f : new Fixture[]{graphed, eager}) {
                    f.b.graphed("test/split", () -> {
                        f.step(s, extra);
                        readInside[f == graphed ? 0 : 1] = f.z.toFloats();   // a host read: ends a segment
                        f.b.elements().affine(f.w, 2f, (float) k, f.y);
                        f.b.elements().binary(Binary.SUB, f.y, f.x, f.y);
                    });
                }
                assertArrayEquals(readInside[1], readInside[0], "the read inside call " + call);
                assertArrayEquals(eager.y.toFloats(), graphed.y.toFloats(), "call " + call);
            }
            Map<String, Long> c = graphed.b.graphCounters();
            assertEquals(16, c.get("segments"), "two segments per call: " + c);
            assertEquals(3, c.get("graph_builds"), "one graph per shape of the first segment, one for the second: " + c);
            assertEquals(16, c.get("graph_launches"), c.toString());
        } finally {
            graphed.close();
            eager.close();
        }
    }

    @Test
    void aFailingStepLeavesRecordingAndNestedStepsJustRun() {
        Fixture f = Fixture.open(true, fresh());
        try {
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> f.b.graphed("test/fail", () -> {
                        f.step(1f, false);
                        throw new IllegalStateException("NaN in a loss");
                    }));
            assertEquals("NaN in a loss", e.getMessage());
            f.b.graphed("test/outer", () -> f.b.graphed("test/inner", () -> f.step(3f, false)));
            float[] x = f.x.toFloats();
            float[] w = f.w.toFloats();
            for (int i = 0; i < N; i++) {
                double expected = (3.0 * x[i] + 1) + x[i];
                assertEquals(expected, w[i], 4 * Parity.EPS32 * (Math.abs(3.0 * x[i]) + 1 + Math.abs(x[i])),
                        "element " + i);
            }
            assertEquals(1, f.b.graphCounters().get("graph_builds"), "the nested step is part of the outer graph");
        } finally {
            f.close();
        }
    }
}
