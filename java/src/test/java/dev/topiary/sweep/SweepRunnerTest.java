package dev.topiary.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.topiary.backend.cpu.CpuBackend;
import dev.topiary.rl.AgentSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs by index on tiny MR.Q runs (Pendulum-v1, width ×0.0625, batch 32, 400 steps of which 100 warm-up): a run
 * finishes and a second call skips it; a run whose process is SIGKILLed after its first checkpoint resumes to the same
 * result as an uninterrupted one; the local executor runs several in child JVMs, two at a time.
 */
class SweepRunnerTest {
    static final String TINY = """
            name: tiny
            tasks: [Pendulum-v1]
            regimes: [mst, dense]
            widths: [0.0625]
            seeds: [0, 1]
            steps: 400
            warmup: 100
            eval_interval: 100
            eval_episodes: 1
            log_interval: 50
            checkpoint_interval: 150
            batch: 32
            """;
    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    static Manifest tiny(Path sweepDir) throws IOException {
        Manifest m = Manifest.of(SweepDefinition.parse(new ObjectMapper(new YAMLFactory()).readTree(TINY), "tiny"));
        m.write(sweepDir);
        return m;
    }

    @Test
    void aRunFinishesAndASecondCallSkipsIt(@TempDir Path tmp) throws IOException {
        Manifest m = tiny(tmp);
        assertEquals(SweepRunner.Outcome.FINISHED, SweepRunner.run(tmp, m, 0, () -> new CpuBackend(1), QUIET));
        Path dir = Manifest.runDirectory(tmp, m.run(0));
        assertEquals(Manifest.Status.DONE, Manifest.status(tmp, m.run(0)));
        for (String f : List.of("config.json", "evals.csv", "diagnostics.csv", "compute.json", SweepRunner.SWEEP_JSON)) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f + " missing");
        }
        byte[] agent = Files.readAllBytes(dir.resolve("agent").resolve(AgentSnapshot.MODULES));
        assertEquals(SweepRunner.Outcome.SKIPPED, SweepRunner.run(tmp, m, 0, () -> {
            throw new AssertionError("a finished run opened a backend");
        }, QUIET));
        assertArrayEquals(agent, Files.readAllBytes(dir.resolve("agent").resolve(AgentSnapshot.MODULES)));
        assertEquals(Manifest.Status.PENDING, Manifest.status(tmp, m.run(1)));
    }

    @Test
    void aRunKilledAfterItsFirstCheckpointResumesToTheUninterruptedResult(@TempDir Path tmp) throws Exception {
        Path straight = tmp.resolve("straight");
        Path killed = tmp.resolve("killed");
        Manifest m = tiny(straight);
        tiny(killed);
        SweepRunner.run(straight, m, 0, () -> new CpuBackend(1), QUIET);

        Path run = Manifest.runDirectory(killed, m.run(0));
        Process child = new ProcessBuilder(new LocalExecutor(1, "cpu", 1, List.of()).command(killed, 0))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        Path first = run.resolve("checkpoints").resolve(String.format("step-%012d", 150));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        // compute.json is rewritten just after each checkpoint (not inside it); wait for it too, so the first
        // session's record exists when the process dies and the resumed one must continue it.
        while (!(Files.isDirectory(first) && Files.exists(run.resolve("compute.json"))) && child.isAlive()
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        child.destroyForcibly().waitFor();
        assertTrue(Files.isDirectory(first), "no first checkpoint; " + Files.readString(tmp.resolve("child.log")));
        assertEquals(Manifest.Status.STARTED, Manifest.status(killed, m.run(0)), "killed before the end");

        assertEquals(SweepRunner.Outcome.FINISHED, SweepRunner.run(killed, m, 0, () -> new CpuBackend(1), QUIET));
        Path done = Manifest.runDirectory(straight, m.run(0));
        for (String f : List.of(AgentSnapshot.MODULES, AgentSnapshot.REPLAY)) {
            assertArrayEquals(Files.readAllBytes(done.resolve("agent").resolve(f)),
                    Files.readAllBytes(run.resolve("agent").resolve(f)), f + " differs after the resume");
        }
        assertEquals(withoutWallTime(done.resolve("evals.csv")), withoutWallTime(run.resolve("evals.csv")));
        assertEquals(2, new ObjectMapper().readTree(run.resolve("compute.json").toFile()).path("sessions").asInt());
    }

    /** Rows of a CSV log without column 1 (wall time, the one non-deterministic value). */
    static List<String> withoutWallTime(Path csv) throws IOException {
        try (Stream<String> lines = Files.lines(csv)) {
            return lines.map(l -> l.replaceFirst("^([^,]*),[^,]*", "$1,")).toList();
        }
    }

    @Test
    void theLocalExecutorRunsChildJvmsTwoAtATimeAndSkipsWhatIsDone(@TempDir Path tmp) throws Exception {
        Manifest m = tiny(tmp);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        LocalExecutor ex = new LocalExecutor(2, "cpu", 1, List.of());
        LocalExecutor.Summary s = ex.run(tmp, m, m.select("1-2"), new PrintStream(console, true));
        assertEquals(2, s.finished(), console.toString());
        assertEquals(List.of(), s.failed(), console.toString());
        for (int i = 1; i < 3; i++) {
            assertEquals(Manifest.Status.DONE, Manifest.status(tmp, m.run(i)));
            assertTrue(Files.readString(LocalExecutor.log(tmp, i)).contains("done: 400 steps"));
        }
        assertEquals(Manifest.Status.PENDING, Manifest.status(tmp, m.run(0)), "only the selected runs");
        assertEquals(Manifest.Status.PENDING, Manifest.status(tmp, m.run(3)), "only the selected runs");
        assertTrue(console.toString().contains("[2/2] run "), console.toString());

        LocalExecutor.Summary again = ex.run(tmp, m, m.select("1-2"), QUIET);
        assertEquals(2, again.skipped());
        assertEquals(0, again.finished());
    }

    @Test
    void childrenGoRoundRobinOverTheGivenGpus() {
        LocalExecutor ex = new LocalExecutor(3, "cuda", 1, List.of("0", "1"));
        assertEquals(List.of("0", "1", "0"), List.of(ex.gpuFor(0), ex.gpuFor(1), ex.gpuFor(2)));
        assertEquals(null, new LocalExecutor(2, "cpu", 1, List.of()).gpuFor(1));
        assertFalse(ex.command(Path.of("s"), 4).stream().anyMatch(a -> a.startsWith("-javaagent")));
        assertTrue(String.join(" ", ex.command(Path.of("s"), 4)).endsWith("sweep run --out s --index 4 --backend cuda "
                + "--threads 1"));
    }
}
