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
    void thePaperPresetHasTheHandCountedRunsAndRefusesDogRunWithTheWayOut() {
        IllegalArgumentException dog = assertThrows(IllegalArgumentException.class,
                () -> preset("paper", List.of(), null));
        assertTrue(dog.getMessage().contains("dog") && dog.getMessage().contains("--tasks"), dog.getMessage());

        // MR.Q: MST, 4 other regimes for each of the 3 modules, 5 all-module baselines = 18 plans. SAC and DDPG have
        // no encoder: MST, 4 + 4 per module, 3 baselines (all=static and all=rigl equal a per-module plan) = 12.
        int widths = 4;
        int seeds = 10;
        int expected = (18 + 2 * 12) * widths * seeds;
        Manifest paper = preset("paper", List.of(), "dm_control/humanoid-run");
        assertEquals(expected, paper.runs().size());
        assertEquals(500_000, paper.run(0).spec().schedule().totalSteps());
        assertEquals(expected + 4 * widths * seeds,
                preset("paper", List.of("sparsity"), "dm_control/humanoid-run").runs().size());
        IllegalArgumentException arch = assertThrows(IllegalArgumentException.class,
                () -> preset("paper", List.of("architectures"), "dm_control/humanoid-run"));
        assertTrue(arch.getMessage().contains("not part of this build"), arch.getMessage());
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
