package dev.topiary.analysis;

import dev.topiary.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code topiary analyze} on run directories written here in the real formats, with hand-known numbers. */
class AnalysisTest {
    @TempDir
    Path tmp;

    private Path run(String name, String task, String label, double width, long seed, boolean done,
                     double params, double active, double... returns) throws IOException {
        return SyntheticRuns.run(tmp, name, task, label, width, seed, done, params, active, returns);
    }

    private void sweep() throws IOException {
        SyntheticRuns.sweep(tmp);
    }

    @Test
    void summariesAreTheIqmOfFinalReturnsAndAucsPerGroup() throws IOException {
        sweep();
        List<RunRecord> runs = RunSet.collect(List.of(tmp.resolve("sweep")), false, System.err);
        assertEquals(12, runs.size());
        List<GroupSummary> s = GroupSummary.of(runs, new GroupSummary.Options(1, 2_000, 0));
        assertEquals(List.of("dense@1.0", "mst@1.0", "mst@2.0"), s.stream().map(g -> g.label() + "@" + g.width())
                .toList());
        GroupSummary mst = s.get(1);
        // Finals −900, −300, −200, −100: the IQM of four is the mean of the middle two.
        assertEquals(-250, mst.finalReturn().value(), 1e-9);
        // AUC of (100, −1000), (200, −500), (300, f): (−750·100 + (−500 + f)/2·100) / 200.
        double[] aucs = {-100, -300, -200, -900};
        for (int i = 0; i < 4; i++) {
            aucs[i] = (-750 * 100 + (-500 + aucs[i]) / 2 * 100) / 200;
        }
        assertEquals(Stats.iqm(aucs), mst.auc().value(), 1e-9);
        assertEquals(1000, mst.paramsTotal(), 0);
        assertEquals(400, mst.paramsActive(), 0);
        assertEquals(100, mst.peakRssMb(), 1e-9);
        assertEquals(61.5, mst.wallClockSeconds(), 1e-9);
        assertEquals(0, mst.partial());
        assertEquals(1, s.get(2).partial(), "the unfinished run is flagged");
        GroupSummary last2 = GroupSummary.of(runs, new GroupSummary.Options(2, 100, 0)).get(1);
        assertEquals(Stats.iqm(new double[]{-300, -400, -350, -700}), last2.finalReturn().value(), 1e-9,
                "--last-k 2 averages the last two evaluations of each run");
    }

    @Test
    void tasksArePooledWithEachTaskAStratum() throws IOException {
        run("a0", "A", "mst", 1, 0, true, 10, 4, -1, 0);
        run("a1", "A", "mst", 1, 1, true, 10, 4, -1, 2);
        run("b0", "B", "mst", 1, 0, true, 10, 4, -1, 10);
        List<GroupSummary> s = GroupSummary.of(RunSet.collect(List.of(tmp.resolve("sweep")), false, System.err),
                new GroupSummary.Options(1, 1_000, 0));
        assertEquals(List.of("A", "B", GroupSummary.ALL_TASKS), s.stream().map(GroupSummary::task).toList());
        assertEquals(Stats.iqm(new double[]{0, 2, 10}), s.get(2).finalReturn().value(), 1e-12);
        assertEquals(3, s.get(2).finalReturn().n());
    }

    @Test
    void unreadableRunsNameTheirFileOrAreSkippedWhenAsked() throws IOException {
        sweep();
        Path bad = run("broken", "T", "mst", 1, 9, true, 1, 1, -1);
        Files.writeString(bad.resolve("evals.csv"), "step,wall_time\n100,1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunSet.collect(List.of(tmp.resolve("sweep")), false, System.err));
        assertTrue(e.getMessage().contains(bad.resolve("evals.csv").toString()) && e.getMessage().contains("mean")
                && e.getMessage().contains("--skip-bad"), e.getMessage());
        ByteArrayOutputStream warn = new ByteArrayOutputStream();
        List<RunRecord> runs = RunSet.collect(List.of(tmp.resolve("sweep")), true, new PrintStream(warn));
        assertEquals(12, runs.size());
        assertTrue(warn.toString().contains("skipped " + bad), warn.toString());
        assertThrows(IllegalArgumentException.class, () -> RunSet.collect(List.of(tmp.resolve("nothing-here")),
                false, System.err));
    }

    @Test
    void theCommandWritesTheReportTheCsvAndReadablePngs() throws IOException {
        sweep();
        Path out = tmp.resolve("analysis");
        assertEquals(0, Main.run("analyze", tmp.resolve("sweep").toString(), "--out", out.toString(),
                "--replicates", "500", "--title", "Hand sweep"));
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.startsWith("# Hand sweep"), md);
        assertTrue(md.contains("| T | mrq | mst | ×1 | 4 | -250.0 ["), md);
        assertTrue(md.contains("| ×2 | 4 (1 partial) |"), md);
        assertTrue(md.contains("| 1,000 | 400 | 1.00e+06 | 4.00e+05 | 100.0 | 61.5 |"), md);
        List<String> csv = Files.readAllLines(out.resolve("summary.csv"));
        assertEquals(4, csv.size());
        assertTrue(csv.get(2).startsWith("T,mrq,mst,1,4,0,-250.0,"), csv.get(2));
        List<Path> pngs;
        try (Stream<Path> s = Files.list(out)) {
            pngs = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        // Scaling against 4 measures, learning curves for widths 1 and 2, two diagnostics at width 2.
        assertEquals(8, pngs.size(), pngs.toString());
        for (Path p : pngs) {
            byte[] head = new byte[8];
            System.arraycopy(Files.readAllBytes(p), 0, head, 0, 8);
            assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}, head, p.toString());
            BufferedImage img = ImageIO.read(p.toFile());
            assertEquals(LineChart.WIDTH, img.getWidth());
            assertEquals(LineChart.HEIGHT, img.getHeight());
            assertTrue(md.contains("](" + p.getFileName() + ")"), "the report links " + p.getFileName());
        }
        assertFalse(Files.exists(out.resolve("report.md.tmp")));
    }

    @Test
    void learningCurvesTakeTheIqmOfTheRunsAtEachStep() throws IOException {
        Path a = run("a", "T", "mst", 1, 0, true, 1, 1, 0, 10, 20);
        Path b = run("b", "T", "mst", 1, 1, false, 1, 1, 4, 30);
        LineChart.Series c = Analysis.curve("mst", List.of(RunRecord.load(a), RunRecord.load(b)), 200, 0);
        assertArrayEquals(new double[]{100, 200, 300}, c.x());
        // Two runs at steps 100 and 200 (IQM of two is their mean), only the finished one at 300.
        assertArrayEquals(new double[]{2, 20, 20}, c.y(), 1e-12);
        LineChart.Series d = Analysis.diagnosticCurve("mst", List.of(RunRecord.load(a), RunRecord.load(b)),
                "dormant_0.1/critic");
        assertArrayEquals(new double[]{0.05, 0.05, 0}, d.y(), 1e-12);
    }
}
