package dev.topiary.env.mujoco;

import dev.topiary.backend.cpu.CpuBackend;
import dev.topiary.env.Env;
import dev.topiary.env.EnvRegistry;
import dev.topiary.rl.ActionCodec;
import dev.topiary.rl.AgentSnapshot;
import dev.topiary.rl.TrainConfig;
import dev.topiary.rl.Trainer;
import dev.topiary.rl.mrq.MrqAgent;
import dev.topiary.rl.mrq.MrqHyperParameters;
import dev.topiary.run.RunDirectory;
import dev.topiary.sparse.RegimeConfig;
import dev.topiary.sparse.RegimePlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MR.Q with MST (encoder dense, critic RigL, actor static) on humanoid-stand at a tiny budget: the learning signals
 * move and stay finite, and a run resumed from a mid-run checkpoint ends bit-identical to the uninterrupted run, the
 * simulator's state included. Not a score: a few hundred steps teach a humanoid nothing.
 */
class MujocoRunTest {
    static final long STEPS = 700;
    static final long CHECKPOINT_EVERY = 250;

    static Trainer trainer(Path runDir, List<AutoCloseable> closeables) {
        Env env = EnvRegistry.make("humanoid-stand");
        Env evalEnv = EnvRegistry.make("humanoid-stand");
        closeables.add(env);
        closeables.add(evalEnv);
        MrqHyperParameters hp = MrqHyperParameters.defaults().withWidthMultiplier(0.0625)
                .withGeneric(new MrqHyperParameters.Generic(32, 1_000_000, 0.99, 50));
        RegimePlan plan = new RegimePlan("mst", RegimeConfig.dense(), new RegimeConfig.RigL(0.6, 100, 0.3, 0.8),
                RegimeConfig.staticSparse(0.6));
        TrainConfig cfg = new TrainConfig(STEPS, 200, 350, 1, 50, CHECKPOINT_EVERY, 3, 13);
        MrqAgent agent = new MrqAgent(new CpuBackend(1), env.observationSpace().flatSize(),
                new ActionCodec(env.actionSpace()), hp, plan, cfg.trainCalls(), (int) STEPS, 13);
        closeables.add(agent);
        return new Trainer(cfg, env, evalEnv, agent, RunDirectory.open(runDir), null);
    }

    @Test
    void mstOnHumanoidStandMovesItsLossesAndResumesBitForBit(@TempDir Path tmp) throws Exception {
        MujocoTesting.humanoid();
        Path straight = tmp.resolve("straight");
        Path resumed = tmp.resolve("resumed");
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            Trainer a = trainer(straight, closeables);
            a.train();
            a.agent().save(straight.resolve("final"));
            assertLearningSignalsMove(straight);

            copyUpToFirstCheckpoint(straight, resumed);
            Trainer b = trainer(resumed, closeables);
            b.resume();
            b.agent().save(resumed.resolve("final"));
            for (String f : List.of(AgentSnapshot.MODULES, AgentSnapshot.REPLAY)) {
                assertArrayEquals(Files.readAllBytes(straight.resolve("final").resolve(f)),
                        Files.readAllBytes(resumed.resolve("final").resolve(f)), f + " differs after the resume");
            }
            assertEquals(column(straight.resolve("evals.csv"), "mean"), column(resumed.resolve("evals.csv"), "mean"));
        } finally {
            for (AutoCloseable c : closeables.reversed()) {
                c.close();
            }
        }
    }

    /** Every loss column of metrics.csv is finite and not constant over the run. */
    private static void assertLearningSignalsMove(Path run) throws IOException {
        List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
        String[] header = lines.get(0).split(",");
        assertTrue(lines.size() >= 5, "too few metrics rows: " + lines);
        int losses = 0;
        for (int c = 0; c < header.length; c++) {
            if (!header[c].contains("loss")) {
                continue;
            }
            losses++;
            List<Double> values = column(run.resolve("metrics.csv"), header[c]);
            for (double v : values) {
                assertTrue(Double.isFinite(v), header[c] + " is not finite: " + values);
            }
            // The humanoid never terminates, so the done predictor's loss may sit at exactly zero.
            if (!header[c].equals("loss/done")) {
                assertTrue(values.stream().distinct().count() > 1, header[c] + " never changed: " + values);
            }
        }
        assertTrue(losses >= 4, "metrics.csv has no loss columns: " + lines.get(0));
    }

    /** The run directory as it was at its first checkpoint: later checkpoints and the end marker removed. */
    private static void copyUpToFirstCheckpoint(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.sorted().toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        String first = String.format("step-%012d", CHECKPOINT_EVERY);
        try (Stream<Path> cps = Files.list(to.resolve("checkpoints"))) {
            for (Path cp : cps.filter(p -> !p.getFileName().toString().equals(first)).toList()) {
                deleteTree(cp);
            }
        }
        assertTrue(Files.isDirectory(to.resolve("checkpoints").resolve(first)), "no checkpoint " + first);
        for (String gone : List.of("DONE", "final", "agent")) {
            deleteTree(to.resolve(gone));
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }

    private static List<Double> column(Path csv, String name) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        int c = List.of(lines.get(0).split(",")).indexOf(name);
        assertTrue(c >= 0, csv + " has no column " + name + ": " + lines.get(0));
        return lines.stream().skip(1).map(l -> Double.parseDouble(l.split(",", -1)[c])).toList();
    }
}
