package dev.topiary.rl;

import dev.topiary.backend.cpu.CpuBackend;
import dev.topiary.env.Env;
import dev.topiary.env.EnvRegistry;
import dev.topiary.io.CheckpointException;
import dev.topiary.rl.mrq.MrqAgent;
import dev.topiary.rl.mrq.MrqHyperParameters;
import dev.topiary.run.RunDirectory;
import dev.topiary.sparse.RegimeConfig;
import dev.topiary.sparse.RegimePlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.topiary.run.TensorBoardWriterTest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The resume guarantee on the CPU backend: a run killed with SIGKILL (a child JVM, {@link Process#destroyForcibly})
 * after a checkpoint and resumed ends with agent files, replay buffer and evaluation log identical to an
 * uninterrupted run's. The configuration is small but exercises every piece of state: RigL updates (ΔT = 100) and
 * encoder rounds before and after the kill, LAP priorities, exploration noise, episode boundaries mid-checkpoint.
 */
class ResumeTest {
    static final long STEPS = 1_400;
    static final long CHECKPOINT_EVERY = 300;

    /** The run both the parent and the child build; identical configuration, so identical computation. */
    static Trainer trainer(Path runDir, CpuBackend backend, List<AutoCloseable> closeables) {
        Env env = EnvRegistry.make("Pendulum-v1");
        Env evalEnv = EnvRegistry.make("Pendulum-v1");
        ActionCodec codec = new ActionCodec(env.actionSpace());
        MrqHyperParameters hp = MrqHyperParameters.defaults().withWidthMultiplier(0.0625)
                .withGeneric(new MrqHyperParameters.Generic(32, 1_000_000, 0.99, 50));
        RegimePlan plan = new RegimePlan("resume-test", RegimeConfig.dense(),
                new RegimeConfig.RigL(0.6, 100, 0.3, 0.8), RegimeConfig.staticSparse(0.6));
        TrainConfig cfg = new TrainConfig(STEPS, 150, 400, 2, 100, CHECKPOINT_EVERY, 2, 7);
        MrqAgent agent = new MrqAgent(backend, env.observationSpace().flatSize(), codec, hp, plan, cfg.trainCalls(),
                (int) STEPS, 7);
        closeables.add(agent);
        return new Trainer(cfg, env, evalEnv, agent, RunDirectory.open(runDir), null);
    }

    /** The child: trains (or resumes) the run in {@code args[0]} until it ends or is killed. */
    public static void main(String[] args) throws Exception {
        List<AutoCloseable> closeables = new ArrayList<>();
        trainer(Path.of(args[0]), new CpuBackend(1), closeables).resume();
    }

    @Test
    void aRunKilledWithSigkillAndResumedEndsBitIdenticalToAnUninterruptedOne(@TempDir Path tmp) throws Exception {
        Path straight = tmp.resolve("straight");
        Path killed = tmp.resolve("killed");
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            Trainer a = trainer(straight, new CpuBackend(1), closeables);
            a.train();
            saveFinal(a, straight);

            killChildAfterSecondCheckpoint(killed);
            assertFalse(Files.exists(killed.resolve("DONE")), "the child was killed before the end");
            Trainer b = trainer(killed, new CpuBackend(1), closeables);
            b.resume();
            saveFinal(b, killed);

            for (String f : List.of(AgentSnapshot.MODULES, AgentSnapshot.REPLAY)) {
                assertArrayEquals(Files.readAllBytes(straight.resolve("final").resolve(f)),
                        Files.readAllBytes(killed.resolve("final").resolve(f)), f + " differs after the resume");
            }
            assertEquals(evalReturns(straight), evalReturns(killed), "evals.csv returns differ");
            assertEquals(metricValues(straight), metricValues(killed), "metrics.csv rows differ");
            assertEquals(a.state().evals.size(), b.state().evals.size());
            assertEquals(scalars(straight), scalars(killed), "TensorBoard scalars differ after the resume");
        } finally {
            for (AutoCloseable c : closeables) {
                c.close();
            }
        }
    }

    @Test
    void aCorruptAgentCheckpointFailsClearlyAndLeavesTheAgentUnchanged(@TempDir Path tmp) throws Exception {
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            Trainer a = trainer(tmp.resolve("run"), new CpuBackend(1), closeables);
            a.train();
            Path dir = tmp.resolve("snap");
            agentOf(a).save(dir);
            Path replay = dir.resolve(AgentSnapshot.REPLAY);
            byte[] bytes = Files.readAllBytes(replay);
            bytes[bytes.length - 3] ^= 0x10;
            Files.write(replay, bytes);
            agentOf(a).save(tmp.resolve("before"));
            CheckpointException e = assertThrows(CheckpointException.class, () -> agentOf(a).load(dir));
            assertTrue(e.getMessage().contains("checksum"), e.getMessage());
            agentOf(a).save(tmp.resolve("after"));
            for (String f : List.of(AgentSnapshot.MODULES, AgentSnapshot.REPLAY)) {
                assertArrayEquals(Files.readAllBytes(tmp.resolve("before").resolve(f)),
                        Files.readAllBytes(tmp.resolve("after").resolve(f)), f + " changed by a failed load");
            }
        } finally {
            for (AutoCloseable c : closeables) {
                c.close();
            }
        }
    }

    private static Agent agentOf(Trainer t) {
        return t.agent();
    }

    private static void saveFinal(Trainer t, Path run) {
        t.agent().save(run.resolve("final"));
    }

    /** Starts the child on {@code run} and SIGKILLs it as soon as its second checkpoint is complete. */
    private static void killChildAfterSecondCheckpoint(Path run) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-modules") || a.startsWith("--enable-native-access")
                        || a.startsWith("-Djava.library.path") || a.startsWith("--add-opens"))
                .toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ResumeTest.class.getName(), run.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(run.getParent().resolve("child.log").toFile()).start();
        Path second = run.resolve("checkpoints").resolve(String.format("step-%012d", 2 * CHECKPOINT_EVERY));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.isDirectory(second) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(Files.isDirectory(second), "the child never wrote its second checkpoint; its log: "
                + Files.readString(run.getParent().resolve("child.log")));
        // Let it run on a little past the checkpoint, so rows after it exist and must be truncated on resume.
        Thread.sleep(150);
        p.destroyForcibly();
        p.waitFor();
    }

    private static List<String> evalReturns(Path run) throws IOException {
        // Drop wall_time (column 1): everything else is a deterministic result.
        return rowsWithout(run.resolve("evals.csv"), 1);
    }

    private static List<String> metricValues(Path run) throws IOException {
        return rowsWithout(run.resolve("metrics.csv"), 1, 2);
    }

    /**
     * Every TensorBoard scalar of the run's event files as "tag@step=value", sorted, without the timing ones: one
     * per tag and step unless a resume failed to drop what the killed process logged after its checkpoint.
     */
    private static List<String> scalars(Path run) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(run.resolve("tb"))) {
            for (Path f : files.toList()) {
                for (TensorBoardWriterTest.Event e : TensorBoardWriterTest.read(Files.readAllBytes(f))) {
                    if (e.tag != null && !e.tag.contains("per_s") && !e.tag.equals("wall_time")) {
                        out.add(e.tag + "@" + e.step + "=" + e.value);
                    }
                }
            }
        }
        return out.stream().sorted().toList();
    }

    private static List<String> rowsWithout(Path csv, int... dropped) throws IOException {
        try (Stream<String> lines = Files.lines(csv)) {
            return lines.map(l -> {
                String[] cells = l.split(",", -1);
                for (int d : dropped) {
                    cells[d] = "";
                }
                return String.join(",", cells);
            }).toList();
        }
    }
}
