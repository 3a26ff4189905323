package dev.topiary.analysis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which runs {@code analyze} reads, and how it refuses the ones it cannot use. */
class RunLoadingTest {
    @TempDir
    Path tmp;

    private List<RunRecord> collect(boolean skipBad, ByteArrayOutputStream warnings, Path... paths) {
        return RunSet.collect(List.of(paths), skipBad, new PrintStream(warnings));
    }

    @Test
    void aRunReachedThroughItsSweepAndByItselfCountsOnce() throws IOException {
        SyntheticRuns.sweep(tmp);
        Path one = tmp.resolve("sweep/runs/mst-w1-s0");
        List<RunRecord> runs = collect(false, new ByteArrayOutputStream(), tmp.resolve("sweep"), one,
                tmp.resolve("sweep/runs/../runs/mst-w1-s0"));
        assertEquals(12, runs.size());
    }

    @Test
    void runsOfDifferentArchitecturesAreDifferentGroups() throws IOException {
        for (int s = 0; s < 2; s++) {
            SyntheticRuns.run(tmp, "mst-s" + s, "T", "mst", 1, s, true, 10, 4, -9, -5);
            // A run of a sweep (its label says the types), one chosen by hand (it does not), one without a sweep.
            withCriticType(SyntheticRuns.run(tmp, "c6-s" + s, "T", "mst+critic=type6", 1, s, true, 10, 4, -8, -4));
            withCriticType(SyntheticRuns.run(tmp, "hand-s" + s, "T", "mine", 1, s, true, 10, 4, -8, -4));
            Files.delete(withCriticType(SyntheticRuns.run(tmp, "solo-s" + s, "T", "x", 2, s, true, 10, 4, -8, -4))
                    .resolve("sweep.json"));
        }
        List<GroupSummary> groups = GroupSummary.of(collect(false, new ByteArrayOutputStream(), tmp.resolve("sweep")),
                new GroupSummary.Options(1, 100, 0));
        assertEquals(List.of("mine+critic=type6", "mst", "mst+critic=type6", "mst+critic=type6"),
                groups.stream().map(GroupSummary::label).toList());
        assertEquals(List.of(1.0, 1.0, 1.0, 2.0), groups.stream().map(GroupSummary::width).toList());
        assertTrue(groups.stream().allMatch(g -> g.runs().size() == 2), "one group per architecture, seeds within");
    }

    private static Path withCriticType(Path run) throws IOException {
        Path config = run.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"actorRegime\": \"static:0.6\",",
                "\"actorRegime\": \"static:0.6\", \"criticArch\": \"type6\","));
        return run;
    }

    @Test
    void partialRunsCountUpToTheirLastEvaluationAndAreFlagged() throws IOException {
        Path d = SyntheticRuns.run(tmp, "p", "T", "mst", 1, 0, false, 10, 4, -9, -5);
        RunRecord r = RunRecord.load(d);
        assertFalse(r.finished());
        assertEquals(-5, r.finalReturn(1), 0);
        assertEquals(-7, r.finalReturn(2), 0);
        assertEquals(-7, r.finalReturn(5), 0, "K beyond the evaluations averages all of them");
        assertEquals((-9 + -5) / 2.0, r.auc(), 1e-12);
        assertEquals(new RunRecord.Schedule(300, 50, 100, 5), r.schedule());
    }

    @Test
    void aStartedRunWithoutEvaluationsIsLeftOutWithANoteButAFinishedOneIsAnError() throws IOException {
        SyntheticRuns.sweep(tmp);
        Path early = SyntheticRuns.run(tmp, "early", "T", "mst", 1, 7, false, 10, 4);
        ByteArrayOutputStream warn = new ByteArrayOutputStream();
        assertEquals(12, collect(false, warn, tmp.resolve("sweep")).size());
        assertTrue(warn.toString().contains("left out " + early.toRealPath() + ": started, not yet evaluated"),
                warn.toString());
        Files.writeString(early.resolve("DONE"), "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> collect(false, new ByteArrayOutputStream(), tmp.resolve("sweep")));
        assertTrue(e.getMessage().contains("evals.csv") && e.getMessage().contains("DONE"), e.getMessage());
    }

    @Test
    void eachBrokenFileIsNamedAndSkippedOnlyWhenAsked() throws IOException {
        Map<String, String> faults = Map.of(
                "compute.json", "{\"params_total\": 10, \"params_act",
                "config.json", "",
                "sweep.json", "[1, 2]",
                "evals.csv", "step,wall_time,mean\n100,1,-5\n100,2,-4\n",
                "diagnostics.csv", "wall_time,srank/critic\n1,3\n");
        for (Map.Entry<String, String> f : faults.entrySet()) {
            Path root = Files.createDirectories(tmp.resolve(f.getKey()));
            SyntheticRuns.sweep(root);
            Path bad = SyntheticRuns.run(root, "broken", "T", "mst", 1, 9, true, 1, 1, -1, -2);
            Files.writeString(bad.resolve(f.getKey()), f.getValue());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> collect(false, new ByteArrayOutputStream(), root.resolve("sweep")), f.getKey());
            assertTrue(e.getMessage().contains(bad.toRealPath().resolve(f.getKey()).toString())
                    && e.getMessage().contains("--skip-bad"), e.getMessage());
            ByteArrayOutputStream warn = new ByteArrayOutputStream();
            assertEquals(12, collect(true, warn, root.resolve("sweep")).size(), f.getKey());
            assertTrue(warn.toString().contains("skipped " + bad.toRealPath()), warn.toString());
        }
    }

    @Test
    void aDivergedRunIsRefusedRatherThanRankedAndAMissingWidthIsNamed() throws IOException {
        Path nan = SyntheticRuns.run(tmp, "nan", "T", "mst", 1, 0, true, 1, 1, -1, Double.NaN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunRecord.load(nan));
        assertTrue(e.getMessage().contains("evals.csv") && e.getMessage().contains("step 200"), e.getMessage());
        Path noWidth = SyntheticRuns.run(tmp, "w", "T", "mst", 1, 0, true, 1, 1, -1);
        Files.writeString(noWidth.resolve("config.json"), Files.readString(noWidth.resolve("config.json"))
                .replace("\"widthMultiplier\"", "\"width\""));
        e = assertThrows(IllegalArgumentException.class, () -> RunRecord.load(noWidth));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("widthMultiplier"),
                e.getMessage());
    }

    @Test
    void aFolderWithoutRunsIsRefused() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> collect(false, new ByteArrayOutputStream(), empty));
        assertTrue(e.getMessage().contains("holds no runs"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> collect(false, new ByteArrayOutputStream(), tmp.resolve("missing")));
    }
}
