package dev.topiary.sweep;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sweep files into manifests: order, ids, refusals with the fix named, the presets' run counts, the manifest file. */
class SweepExpansionTest {
    static final String SMALL = """
            name: small
            tasks: [Pendulum-v1]
            regimes: [mst, dense]
            widths: [0.0625, 0.125]
            seeds: 3
            steps: 300
            warmup: 100
            """;

    static Path write(Path dir, String file, String text) throws IOException {
        Path p = dir.resolve(file);
        Files.writeString(p, text);
        return p;
    }

    static Manifest expand(Path file) {
        return Manifest.of(SweepDefinition.read(file));
    }

    @Test
    void expansionIsDeterministicWithSeedInnermostAndIdsFromTheConfigurationAlone(@TempDir Path tmp)
            throws IOException {
        Manifest a = expand(write(tmp, "a.yaml", SMALL));
        assertEquals(a.toJson(), expand(write(tmp, "b.yaml", SMALL)).toJson(), "same file, same manifest");
        assertEquals(2 * 2 * 3, a.runs().size());
        for (int i = 0; i < 3; i++) {
            assertEquals(i, a.run(i).spec().schedule().seed(), "seed is the innermost axis");
            assertEquals(0.0625, a.run(i).spec().widthMultiplier());
        }
        assertEquals(0.125, a.run(3).spec().widthMultiplier());
        assertEquals("dense", a.run(6).label());

        // Another sweep that holds one of the same runs (other name, other order): the same id.
        Manifest other = expand(write(tmp, "c.yaml", SMALL.replace("name: small", "name: other")
                .replace("[mst, dense]", "[dense]").replace("seeds: 3", "seeds: [2]")));
        assertEquals(a.run(6 + 2).id(), other.run(0).id());
        assertEquals(a.run(6 + 2).name(), other.run(0).name());

        Manifest longer = expand(write(tmp, "d.yaml", SMALL.replace("steps: 300", "steps: 301")));
        assertNotEquals(a.run(0).id(), longer.run(0).id(), "a changed field changes the id");
        assertTrue(a.run(0).dir().endsWith("-" + a.run(0).id()), a.run(0).dir());
    }

    @Test
    void yamlAndJsonGiveTheSameManifest(@TempDir Path tmp) throws IOException {
        String json = """
                {"name": "small", "tasks": ["Pendulum-v1"], "regimes": ["mst", "dense"], "widths": [0.0625, 0.125],
                 "seeds": 3, "steps": 300, "warmup": 100}
                """;
        assertEquals(expand(write(tmp, "s.yaml", SMALL)).toJson(), expand(write(tmp, "s.json", json)).toJson());
    }

    @Test
    void badSweepsAreRefusedNamingTheProblemAndTheFix(@TempDir Path tmp) throws IOException {
        assertRefused(tmp, SMALL + "stepz: 5\n", "unknown top level key 'stepz'", "steps");
        assertRefused(tmp, SMALL.replace("[mst, dense]", "[mst, \"rigl:1.5\"]"), "sparsity 1.5 must lie in [0, 1)",
                "use one of");
        assertRefused(tmp, SMALL.replace("[mst, dense]", "[mst, {label: x, critc: dense}]"),
                "unknown regime key 'critc'", "critic");
        assertRefused(tmp, SMALL.replace("Pendulum-v1", "Pendulum-v0"), "task 'Pendulum-v0'", "Pendulum-v1");
        assertRefused(tmp, SMALL.replace("seeds: 3", "seeds: [0, 1, 0]"), "have the same configuration", "drop one");
        assertRefused(tmp, SMALL.replace("[mst, dense]", "[dense, {label: again, all: dense}]"),
                "have the same configuration", "drop one");
        assertRefused(tmp, SMALL + "algorithms: [td3]\n", "unknown algorithm 'td3'", "mrq");
        assertRefused(tmp, SMALL.replace("warmup: 100", "warmup: 400"), "must exceed warmupSteps", "small");
        assertRefused(tmp, SMALL.replace("name: small\n", ""), "'name' is required", "letters");
    }

    private static void assertRefused(Path tmp, String text, String... expected) throws IOException {
        Path f = write(tmp, "bad.yaml", text);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> expand(f), text);
        for (String s : expected) {
            assertTrue(e.getMessage().contains(s), "'" + s + "' missing from: " + e.getMessage());
        }
    }

    @Test
    void thePaperPresetHasTheHandCountedRunsOnHumanoidRunAndDogRun() {
        IllegalArgumentException bare = assertThrows(IllegalArgumentException.class,
                () -> preset("paper", List.of(), "dog-run"));
        assertTrue(bare.getMessage().contains("dm_control/dog-run"), bare.getMessage());

        // MR.Q: MST, 4 other regimes for each of the 3 modules, 5 all-module baselines = 18 plans. SAC and DDPG have
        // no encoder: MST, 4 + 4 per module, 3 baselines (all=static and all=rigl equal a per-module plan) = 12.
        int widths = 4;
        int seeds = 10;
        int expected = (18 + 2 * 12) * widths * seeds;
        Manifest paper = preset("paper", List.of(), "dm_control/humanoid-run");
        assertEquals(expected, paper.runs().size());
        Manifest both = preset("paper", List.of(), null);
        assertEquals(2 * expected, both.runs().size(), "humanoid-run and dog-run");
        assertEquals(expected, both.runs().stream().filter(e -> e.spec().env().equals("dm_control/dog-run")).count());
        assertEquals(500_000, paper.run(0).spec().schedule().totalSteps());
        assertEquals(expected + 4 * widths * seeds,
                preset("paper", List.of("sparsity"), "dm_control/humanoid-run").runs().size());

        // Architectures: 3 modules × the 5 types other than MR.Q's (its own is MST, already in the first grid).
        Manifest arch = preset("paper", List.of("architectures"), "dm_control/humanoid-run");
        assertEquals(expected + 15 * widths * seeds, arch.runs().size());
        assertEquals(2280, arch.runs().size());
        assertEquals(paper.runs(), arch.runs().subList(0, expected), "the axis leaves the paper's runs as they were");
        assertEquals(arch.toJson(), preset("paper", List.of("architectures"), "dm_control/humanoid-run").toJson(),
                "the same expansion every time");
        assertEquals(arch.runs().size(), arch.runs().stream().map(Manifest.Entry::id).distinct().count());
        List<Manifest.Entry> added = arch.runs().subList(expected, arch.runs().size());
        assertTrue(added.stream().allMatch(e -> e.spec().algorithm().equals("mrq")
                && e.spec().plan().name().equals(paper.run(0).spec().plan().name())), "MR.Q under MST");
        List<String> labels = added.stream().map(Manifest.Entry::label).distinct().toList();
        assertEquals(15, labels.size());
        assertEquals("mst+encoder=type1", labels.getFirst());
        assertEquals("mst+actor=type6", labels.getLast());
        assertTrue(labels.contains("mst+critic=type6") && labels.contains("mst+actor=type4")
                && !labels.contains("mst+encoder=type4") && !labels.contains("mst+actor=type3"), labels.toString());
        Manifest.Entry critic6 = added.stream().filter(e -> e.label().equals("mst+critic=type6")).findFirst()
                .orElseThrow();
        assertEquals(null, critic6.spec().encoderArch());
        assertEquals("type6", critic6.spec().criticArch());
        assertEquals(null, critic6.spec().actorArch());
        assertEquals(1, critic6.spec().widthMultiplier(), "width innermost but one: x1 first");
        assertEquals(List.of(1.0, 2.0, 4.0, 8.0), added.stream().map(e -> e.spec().widthMultiplier()).distinct()
                .toList(), "the preset's widths, as the sparsity ablation");
        assertEquals(expected + (4 + 15) * widths * seeds,
                preset("paper", List.of("sparsity", "architectures"), "dm_control/humanoid-run").runs().size());
    }

    /**
     * Ids that main gave these runs before run specs carried architecture types (computed with that code): a run at
     * MR.Q's own architecture keeps its id, its manifest entry and so its folder.
     */
    @Test
    void runsAtMrqsArchitectureKeepTheIdsTheyHadBeforeTheAxis(@TempDir Path tmp) throws IOException {
        Manifest small = expand(write(tmp, "s.yaml", SMALL));
        assertEquals("f602d2c95143", small.run(0).id());
        assertEquals("c4c867f165a4", small.run(7).id());
        assertTrue(small.toJson().contains("\"runs_sha256\" : "
                + "\"d69d6ee3a6ff034fc11afd1410c12e6a48b44776dce05b5c5439005dccb8cb0e\""),
                "the whole manifest as before");
        assertTrue(!small.toJson().contains("Arch"), "no architecture fields at MR.Q's own");
        Manifest paper = preset("paper", List.of("sparsity"), "dm_control/humanoid-run");
        assertEquals("6df52d1944a7", paper.run(0).id());
        assertTrue(paper.toJson().contains("eb2eb3597a2d43e77922706c701dff8566fb3b0b4318685825704b52a07cc995"));

        // MR.Q's own types given explicitly are MR.Q's own architecture: the same run, the same id.
        Manifest explicit = expand(write(tmp, "e.yaml", SMALL + "architectures: [{encoder: type4, critic: 4, actor: "
                + "TYPE_3}]\n"));
        assertEquals(small.toJson(), explicit.toJson());
    }

    @Test
    void anArchitectureAxisCrossesTheRegimesWithItsOwnIdsAndLabels(@TempDir Path tmp) throws IOException {
        Manifest m = expand(write(tmp, "a.yaml", SMALL.replace("seeds: 3", "seeds: 1")
                + "architectures: [mrq, {critic: type6}, {label: plain, encoder: 1, critic: 1, actor: 1}]\n"));
        assertEquals(2 * 3 * 2, m.runs().size());
        assertEquals(List.of("mst", "mst", "mst+critic=type6", "mst+critic=type6", "mst+plain", "mst+plain",
                "dense", "dense", "dense+critic=type6", "dense+critic=type6", "dense+plain", "dense+plain"),
                m.runs().stream().map(Manifest.Entry::label).toList(), "regime, then architecture, then width");
        assertEquals("Pendulum-v1/mrq/mst+critic=type6/w0.0625/s0", m.run(2).name());
        assertEquals("type1", m.run(4).spec().encoderArch());
        assertEquals(m.runs().size(), m.runs().stream().map(Manifest.Entry::id).distinct().count());
        Path dir = tmp.resolve("sweep");
        m.write(dir);
        assertEquals(m, Manifest.read(dir), "the types survive the manifest");
        assertTrue(Files.readString(dir.resolve(Manifest.FILE)).contains("\"criticArch\" : \"type6\""));

        assertRefused(tmp, SMALL + "architectures: [{critic: type7}]\n", "architecture type 'type7' does not exist",
                "type6 (ELU + LayerNorm + pre-layer residual)");
        assertRefused(tmp, SMALL + "architectures: [{critc: type1}]\n", "unknown architecture key 'critc'", "critic");
        assertRefused(tmp, SMALL + "architectures: [mrq, {actor: type3}]\n", "have the same configuration",
                "MR.Q's own");
        assertRefused(tmp, SMALL + "algorithms: [sac]\narchitectures: [{critic: type6}]\n", "SimBa",
                "--algo mrq");
        assertRefused(tmp, SMALL + "architectures: []\n", "'architectures' must be a non-empty list");
    }

    @Test
    void theQuickPresetIs27RunsOfMrqOnPendulum() {
        Manifest quick = preset("quick", List.of(), null);
        assertEquals(3 * 3 * 3, quick.runs().size());
        assertTrue(quick.runs().stream().allMatch(e -> e.spec().algorithm().equals("mrq")
                && e.spec().env().equals("Pendulum-v1")));
        assertEquals(List.of("dense", "static:0.6", "mst"), quick.runs().stream().map(Manifest.Entry::label)
                .distinct().toList());
        assertEquals(10, preset("fidelity", List.of(), null).runs().size());
    }

    static Manifest preset(String name, List<String> with, String task) {
        ObjectNode tree = Presets.tree(name, with);
        if (task != null) {
            ArrayNode tasks = JsonNodeFactory.instance.arrayNode().add(task);
            Presets.override(tree, "tasks", tasks);
        }
        return Manifest.of(SweepDefinition.parse(tree, "preset " + name));
    }

    @Test
    void theManifestRoundTripsAndAHandEditedOneIsRefused(@TempDir Path tmp) throws IOException {
        Manifest m = expand(write(tmp, "s.yaml", SMALL));
        Path dir = tmp.resolve("sweep");
        m.write(dir);
        assertEquals(m, Manifest.read(dir));
        String text = Files.readString(dir.resolve(Manifest.FILE));

        Files.writeString(dir.resolve(Manifest.FILE), text.replace("\"totalSteps\" : 300", "\"totalSteps\" : 400"));
        assertEdited(dir, "hashes to");
        Files.writeString(dir.resolve(Manifest.FILE), text.replaceFirst("/s0\"", "/seed0\""));
        assertEdited(dir, "runs_sha256");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Manifest.read(tmp)).getMessage()
                .contains("topiary sweep expand"));
    }

    private static void assertEdited(Path dir, String detail) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Manifest.read(dir));
        assertTrue(e.getMessage().contains(detail) && e.getMessage().contains("expand the sweep again"),
                e.getMessage());
    }

    @Test
    void indicesSelectRangesAndRefuseWhatIsOutsideTheSweep(@TempDir Path tmp) throws IOException {
        Manifest m = expand(write(tmp, "s.yaml", SMALL));
        assertEquals(List.of(0, 1, 2, 9), m.select("0-2,9"));
        assertEquals(12, m.select(null).size());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> m.select("0-12")).getMessage()
                .contains("0 to 11"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> m.select("3-1")).getMessage()
                .contains("smaller index first"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> m.select("1,x")).getMessage()
                .contains("0-5,9"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> m.select("1,1")).getMessage()
                .contains("twice"));
    }
}
