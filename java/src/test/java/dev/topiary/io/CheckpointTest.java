package dev.topiary.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
import dev.topiary.nn.Parameter;
import dev.topiary.nn.TestBackends;
import dev.topiary.nn.WeightParameter;
import dev.topiary.sparse.RegimeConfig;
import dev.topiary.sparse.SparseModule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checkpoint round trips (every layout) and every corruption case failing clearly without touching the network. */
class CheckpointTest {
    private final Backend backend = TestBackends.cpu();
    private final TensorArena arena = backend.newArena();
    private final LayerContext ctx = LayerContext.of(backend, arena);
    @TempDir
    Path dir;

    @AfterEach
    void close() {
        arena.close();
    }

    /** An agent's worth of modules: dense, compact (RigL 0.8) and masked (static 0.5) weights, one with affine LN. */
    private List<SparseModule> agent(long seed, int hidden) {
        List<SparseModule> list = new ArrayList<>();
        RegimeConfig[] configs = {RegimeConfig.dense(), new RegimeConfig.RigL(0.8, 2, 0.3, 0.8),
            RegimeConfig.staticSparse(0.5)};
        String[] names = {"encoder", "value", "policy"};
        for (int i = 0; i < 3; i++) {
            Network n = Mlp.builder().type(ArchType.of(4 + i % 2)).input(6).hidden(hidden).depth(2).output(3)
                    .build(ctx, "net");
            Module m = new Module(names[i], ctx, AdamW.of(1e-2f, 1e-2f), 0, List.of(n));
            list.add(SparseModule.create(m, configs[i], 20, seed));
        }
        return list;
    }

    private void train(List<SparseModule> agent, int steps, long seed) {
        Tensor x = arena.f32(8, 6);
        Tensor dy = arena.f32(8, 3);
        for (int s = 0; s < steps; s++) {
            for (SparseModule sm : agent) {
                Network n = sm.module().networks().getFirst();
                long t = sm.module().steps();
                backend.random().uniform(x, -1, 1, seed, t);
                backend.random().normal(dy, 0, 1, seed + 1, t);
                n.forward(x);
                n.backward(dy, false);
                sm.step(DenseGradients.of(n.pass(8)));
            }
        }
    }

    private static List<Module> modules(List<SparseModule> agent) {
        return agent.stream().map(SparseModule::module).toList();
    }

    /** Every parameter's canonical values, mask and moments, and each module's step count, as host arrays. */
    private static List<Object> state(List<SparseModule> agent) {
        List<Object> s = new ArrayList<>();
        for (SparseModule sm : agent) {
            s.add(sm.module().steps());
            for (Parameter p : sm.module().parameters()) {
                int n = (int) p.count();
                float[] v = new float[n];
                float[] m = new float[n];
                float[] v2 = new float[n];
                byte[] mask = new byte[n];
                if (p instanceof WeightParameter w) {
                    w.exportCanonical(v, mask, m, v2);
                    s.add(w.layout());
                } else {
                    p.value().copyTo(v);
                    p.m().copyTo(m);
                    p.v().copyTo(v2);
                }
                s.addAll(List.of(v, mask, m, v2));
            }
        }
        return s;
    }

    private static void assertSameState(List<Object> expected, List<Object> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            Object e = expected.get(i);
            Object a = actual.get(i);
            if (e instanceof float[] fe) {
                assertArrayEquals(fe, (float[]) a, "state entry " + i);
            } else if (e instanceof byte[] be) {
                assertArrayEquals(be, (byte[]) a, "state entry " + i);
            } else {
                assertEquals(e, a, "state entry " + i);
            }
        }
    }

    @Test
    void roundTripRestoresEveryLayoutAndTheOptimizerExactly() throws Exception {
        List<SparseModule> saved = agent(1, 20);
        train(saved, 7, 3);
        Path file = dir.resolve("agent.safetensors");
        JsonNode extra = JsonNodeFactory.instance.objectNode().put("envSteps", 1234).put("regime", "mst");
        Checkpoint.save(file, modules(saved), extra);
        List<SparseModule> loaded = agent(2, 20);
        JsonNode back = Checkpoint.load(file, modules(loaded));
        assertEquals(1234, back.get("envSteps").asInt());
        assertSameState(state(saved), state(loaded));
        // Training on from the checkpoint is bit-identical to training on from the live modules.
        train(saved, 3, 9);
        train(loaded, 3, 9);
        assertSameState(state(saved), state(loaded));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void fileIsPlainSafetensorsWithAChecksum() throws Exception {
        List<SparseModule> agent = agent(1, 8);
        Path file = dir.resolve("plain.safetensors");
        Checkpoint.save(file, modules(agent), null);
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % 8);
        JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        assertTrue(header.get("__metadata__").get("sha256").asText().matches("[0-9a-f]{64}"));
        JsonNode w = header.get("value/net/hidden0.linear.weight");
        assertEquals("F32", w.get("dtype").asText());
        assertEquals("[8,6]", w.get("shape").toString());
        assertEquals("U8", header.get("value/net/hidden0.linear.weight.mask").get("dtype").asText());
        long begin = w.get("data_offsets").get(0).asLong();
        float first = ByteBuffer.wrap(bytes, (int) (8 + n + begin), 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
        float[] values = new float[48];
        ((WeightParameter) agent.get(1).module().parameters().getFirst()).exportCanonical(values, new byte[48],
                new float[48], new float[48]);
        assertEquals(values[0], first);
    }

    /** Saves a trained agent, corrupts the file, and expects a clear failure that leaves a live agent untouched. */
    private void expectFailure(java.util.function.UnaryOperator<byte[]> corrupt, String message) throws Exception {
        List<SparseModule> agent = agent(1, 10);
        train(agent, 3, 1);
        Path file = dir.resolve("c.safetensors");
        Checkpoint.save(file, modules(agent), null);
        Files.write(file, corrupt.apply(Files.readAllBytes(file)));
        List<SparseModule> live = agent(5, 10);
        List<Object> before = state(live);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file, modules(live)));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertSameState(before, state(live));
    }

    @Test
    void truncatedFilesFail() throws Exception {
        expectFailure(b -> Arrays.copyOf(b, b.length - 100), "truncated");
        expectFailure(b -> Arrays.copyOf(b, 20), "truncated or corrupt");
        expectFailure(b -> new byte[0], "truncated");
    }

    @Test
    void corruptBytesFail() throws Exception {
        expectFailure(b -> flip(b, b.length - 5), "checksum mismatch");
        expectFailure(b -> flip(b, 8), "not valid JSON");
        expectFailure(b -> {
            b[7] = 0x40;
            return b;
        }, "header length");
        expectFailure(b -> Arrays.copyOf(b, b.length + 4), "bytes follow the last tensor");
    }

    private static byte[] flip(byte[] b, int at) {
        b[at] ^= 0x5A;
        return b;
    }

    @Test
    void mismatchedNetworksFail() throws Exception {
        List<SparseModule> agent = agent(1, 10);
        Path file = dir.resolve("m.safetensors");
        Checkpoint.save(file, modules(agent), null);
        List<SparseModule> wider = agent(1, 12);
        List<Object> before = state(wider);
        var e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file, modules(wider)));
        assertTrue(e.getMessage().contains("has shape [10, 6] but the network's is [12, 6]"), e.getMessage());
        assertSameState(before, state(wider));
        Checkpoint.save(file, modules(agent.subList(0, 2)), null);
        e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file, modules(agent)));
        assertTrue(e.getMessage().contains("has no module 'policy'"), e.getMessage());
        Checkpoint.save(file, modules(agent), null);
        e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file, modules(agent.subList(1, 3))));
        assertTrue(e.getMessage().contains("has tensors the network lacks"), e.getMessage());
    }

    @Test
    void sparseCheckpointIntoADenseNetworkFails() {
        List<SparseModule> agent = agent(1, 10);
        Path file = dir.resolve("d.safetensors");
        Checkpoint.save(file, List.of(agent.get(1).module()), null);
        Network n = Mlp.builder().type(ArchType.TYPE_5).input(6).hidden(10).depth(2).output(3).build(ctx, "net");
        Module dense = new Module("value", ctx, AdamW.of(1e-2f, 0), 0, List.of(n));
        SparseModule.create(dense, RegimeConfig.dense(), 20, 1);
        var e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file, List.of(dense)));
        assertTrue(e.getMessage().contains("is dense in the network"), e.getMessage());
    }

    @Test
    void missingFileFails() {
        var e = assertThrows(CheckpointException.class,
                () -> Checkpoint.load(dir.resolve("absent.safetensors"), List.of()));
        assertTrue(e.getMessage().contains("absent.safetensors: cannot be read"), e.getMessage());
    }

    @Test
    void masksThatContradictTheirValuesFail() throws Exception {
        assertBadWeight(new float[] {1, 2}, new byte[] {1, 0}, "inactive entry 1 holds a non-zero value");
        assertBadWeight(new float[] {1, 0}, new byte[] {1, 2}, "corrupt mask");
        assertBadWeight(new float[] {1, 0}, new byte[] {1, 1}, "has 2 active entries but the document records 1");
    }

    /** A file with a valid checksum whose single 1 × 2 weight has the given values and mask. */
    private void assertBadWeight(float[] values, byte[] mask, String message) throws Exception {
        Path file = dir.resolve("bad.safetensors");
        Files.deleteIfExists(file);
        long[] shape = {1, 2};
        List<SafeTensorsWriter.Spec> specs = List.of(new SafeTensorsWriter.Spec("m/n/l.weight", "F32", shape),
                new SafeTensorsWriter.Spec("m/n/l.weight.mask", "U8", shape),
                new SafeTensorsWriter.Spec("m/n/l.weight.adam_m", "F32", shape),
                new SafeTensorsWriter.Spec("m/n/l.weight.adam_v", "F32", shape));
        String doc = "{\"format\":\"topiary-checkpoint\",\"version\":1,\"modules\":[{\"name\":\"m\",\"steps\":0,"
                + "\"parameters\":[{\"name\":\"m/n/l.weight\",\"active\":1}]}]}";
        try (SafeTensorsWriter w = new SafeTensorsWriter(file,
                java.util.Map.of("format", Checkpoint.FORMAT, "topiary", doc), specs)) {
            w.writeFloats(values);
            w.writeBytes(mask);
            w.writeFloats(new float[2]);
            w.writeFloats(new float[2]);
            w.finish();
        }
        dev.topiary.nn.Linear l = new dev.topiary.nn.Linear(ctx, "l", 2, 1, false);
        dev.topiary.nn.DenseView view = l.weight().openView();
        view.mask().copyFrom(new byte[] {0, 1});
        l.weight().closeView(view, 1);
        Module m = new Module("m", ctx, AdamW.of(1e-3f, 0), 0, List.of(new Network("n", l)));
        var e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file, List.of(m)));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        byte[] liveMask = new byte[2];
        l.weight().exportCanonical(new float[2], liveMask, new float[2], new float[2]);
        assertArrayEquals(new byte[] {0, 1}, liveMask);
    }
}
