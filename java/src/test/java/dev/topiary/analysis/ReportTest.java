package dev.topiary.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The compute columns, the budget table, the sweep notes and summary.json, against hand-computed values. */
class ReportTest {
    @TempDir
    Path tmp;

    private List<GroupSummary> summaries() {
        return GroupSummary.of(RunSet.collect(List.of(tmp.resolve("sweep")), false, System.err),
                new GroupSummary.Options(1, 500, 0));
    }

    /** Rewrites a run's compute.json with a smaller wall-clock and FLOPs, as a run killed early would have. */
    private static void truncatedCompute(Path run, int wallClock, double peakRssBytes) throws IOException {
        Files.writeString(run.resolve("compute.json"), "{\"params_total\": 4000, \"params_active\": 1600, "
                + "\"flops_per_call_dense\": 1.0E6, \"flops_per_call_actual\": 4.0E5, \"train_flops_dense\": 1.0E7, "
                + "\"train_flops_actual\": 4.0E6, \"peak_rss_bytes\": " + peakRssBytes + ", \"wall_clock_s\": "
                + wallClock + ", \"updates_per_call\": 1}");
    }

    @Test
    void computeFiguresAreMeansOverFinishedRunsAndPeakMemoryTheMaximumOverAll() throws IOException {
        SyntheticRuns.sweep(tmp);
        truncatedCompute(tmp.resolve("sweep/runs/mst-w2-s3"), 5, 300 * (1 << 20));
        GroupSummary w2 = summaries().get(2);
        assertEquals(2, w2.width(), 0);
        // Finished seeds 0, 1, 2 ran 60, 61, 62 s; the partial run's 5 s would drag the mean to 47.
        assertEquals(61, w2.wallClockSeconds(), 1e-12);
        assertEquals(8.0E7, w2.trainFlopsActual(), 0);
        assertEquals(300, w2.peakRssMb(), 1e-12);
        assertFalse(w2.computeFromPartial());
    }

    @Test
    void aGroupWithOnlyPartialRunsFallsBackToThemAndIsStarred() throws IOException {
        SyntheticRuns.run(tmp, "p0", "T", "gmp", 1, 0, false, 1000, 200, -5, -4);
        SyntheticRuns.run(tmp, "p1", "T", "gmp", 1, 1, false, 1000, 200, -3, -2);
        GroupSummary g = summaries().getFirst();
        assertTrue(g.computeFromPartial());
        assertEquals(60.5, g.wallClockSeconds(), 1e-12);
        Path out = tmp.resolve("out");
        assertEquals(0, Main.run("analyze", tmp.resolve("sweep").toString(), "--out", out.toString(),
                "--replicates", "200"));
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("| 1,000 * | 200 * |") && md.contains("| 60.5 * |"), md);
        assertTrue(md.contains("no run of the group has finished"), md);
    }

    @Test
    void theReportQuotesTheSweepItsCoverageAndItsBudgets() throws IOException {
        SyntheticRuns.sweep(tmp);
        SyntheticRuns.manifest(tmp, "Hand-made sweep.\nSecond line of notes.", 20);
        Path out = tmp.resolve("out");
        assertEquals(0, Main.run("analyze", tmp.resolve("sweep").toString(), "--out", out.toString(),
                "--replicates", "200"));
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.startsWith("# Sweep 'hand'"), md);
        assertTrue(md.contains("12 of its 20 planned runs analysed, 11 finished and 1 partial"), md);
        assertTrue(md.contains("> Hand-made sweep.\n> Second line of notes."), md);
        // 12 runs: wall-clock 60 + seed, three regimes x seeds 0..3 = 3 x 246 s = 0.205 h; 12 x 8e7 and 12 x 2e8 FLOPs.
        assertTrue(md.contains("| T | mrq | 12 (1) | 4 | 300 | 50 | 5 episodes every 100 steps | 300 | 1 | 0.205 "
                + "| 9.60e+08 | 2.40e+09 | 100.0 |"), md);
    }

    @Test
    void summaryJsonHoldsTheTableSNumbersAndNullForWhatNoRunRecorded() throws IOException {
        SyntheticRuns.sweep(tmp);
        Files.delete(tmp.resolve("sweep/runs/dense-w1-s0/compute.json"));
        Path out = tmp.resolve("out");
        assertEquals(0, Main.run("analyze", tmp.resolve("sweep").toString(), "--out", out.toString(),
                "--replicates", "300", "--seed", "7", "--last-k", "2"));
        JsonNode root = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(300, root.get("replicates").asInt());
        assertEquals(7, root.get("bootstrap_seed").asLong());
        JsonNode mst = root.get("groups").get(1);
        assertEquals("mst", mst.get("regime").asText());
        // --last-k 2: each run's mean of (−500, final): −300, −400, −350, −700 → middle two −350 and −400.
        assertEquals(-375, mst.get("final_return").get("iqm").asDouble(), 1e-9);
        assertEquals(4, mst.get("final_return").get("n").asInt());
        assertEquals(400, mst.get("params_active").asDouble(), 0);
        JsonNode dense = root.get("groups").get(0);
        assertEquals(1000, dense.get("params_total").asDouble(), 0, "the other seeds still give the parameters");
        assertEquals(62, dense.get("wall_clock_s").asDouble(), 1e-12, "seeds 1..3: 61, 62, 63");
    }

    @Test
    void logAxisLabelsUseSiPrefixes() {
        assertEquals("500", LineChart.siUnits(500));
        assertEquals("20k", LineChart.siUnits(20_000));
        assertEquals("1.5k", LineChart.siUnits(1_500));
        assertEquals("5M", LineChart.siUnits(5e6));
        assertEquals("1G", LineChart.siUnits(1e9));
        assertEquals("2T", LineChart.siUnits(2e12));
        assertEquals("50P", LineChart.siUnits(5e16));
    }
}
