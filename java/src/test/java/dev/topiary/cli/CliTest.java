package dev.topiary.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line: help for every option, and bad input refused before any work with the fix named. */
class CliTest {

    record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true));
            System.setErr(new PrintStream(e, true));
            int code = Main.run(args);
            return new Result(code, o.toString(), e.toString());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void everyTrainOptionIsExplainedInItsHelp() {
        Result r = run("train", "--help");
        assertEquals(0, r.code());
        for (String option : List.of("--quick", "--algo", "--env", "--regime", "--encoder-regime", "--critic-regime",
                "--actor-regime", "--encoder-arch", "--critic-arch", "--actor-arch", "--steps", "--warmup", "--width",
                "--batch", "--eval-interval", "--eval-episodes",
                "--log-interval", "--checkpoint-interval", "--keep-checkpoints", "--seed", "--out", "--resume",
                "--backend", "--threads", "--tf32", "--no-graphs")) {
            boolean flag = List.of("--quick", "--tf32", "--no-graphs").contains(option);
            String shown = flag ? option + " " : option + "=";
            assertTrue(r.out().contains(shown), option + " missing from:\n" + r.out());
        }
        assertTrue(run("eval", "--help").out().contains("--checkpoint"));
        assertTrue(run("profile", "--help").out().contains("--calls"));
    }

    @Test
    void badValuesFailBeforeAnyWorkWithTheFix(@TempDir Path tmp) {
        Path out = tmp.resolve("run");
        Result regime = run("train", "--regime", "rigl:1.5", "--out", out.toString());
        assertEquals(1, regime.code());
        assertTrue(regime.err().contains("sparsity 1.5 must lie in [0, 1)"), regime.err());
        assertFalse(Files.exists(out.resolve("config.json")), "nothing was written");

        Result env = run("train", "--env", "Pendulum-v0", "--out", out.toString());
        assertTrue(env.err().contains("Pendulum-v1"), "lists the registered ids: " + env.err());

        Result steps = run("train", "--steps", "500", "--warmup", "1000", "--out", out.toString());
        assertTrue(steps.err().contains("must exceed warmupSteps"), steps.err());

        Result algo = run("train", "--algo", "td3", "--out", out.toString());
        assertTrue(algo.err().contains("use one of [mrq, sac, ddpg]"), algo.err());

        Result resume = run("train", "--resume", tmp.toString(), "--steps", "10");
        assertTrue(resume.err().contains("drop the other run options"), resume.err());

        Result notRun = run("eval", tmp.toString());
        assertEquals(1, notRun.code());
        assertTrue(notRun.err().contains("not a run directory"), notRun.err());

        Result backend = run("train", "--backend", "tpu", "--steps", "2000", "--warmup", "1000", "--width", "0.0625",
                "--out", out.toString());
        assertTrue(backend.err().contains("use auto, cpu, cuda or reference"), backend.err());

        Result arch = run("train", "--critic-arch", "type7", "--out", out.toString());
        assertEquals(1, arch.code());
        assertTrue(arch.err().contains("critic's architecture type 'type7' does not exist")
                && arch.err().contains("type1 (ReLU)") && arch.err().contains("the number 1 to 6"), arch.err());
        Result sacArch = run("train", "--algo", "sac", "--actor-arch", "2", "--out", out.toString());
        assertEquals(1, sacArch.code());
        assertTrue(sacArch.err().contains("sac builds SimBa networks") && sacArch.err().contains("--actor-arch")
                && sacArch.err().contains("--algo mrq"), sacArch.err());
        Result resumeArch = run("train", "--resume", tmp.toString(), "--encoder-arch", "type1");
        assertTrue(resumeArch.err().contains("drop the other run options"), resumeArch.err());
        assertFalse(Files.exists(out.resolve("config.json")), "nothing was written");

        Path tf32Out = tmp.resolve("tf32");
        Result tf32 = run("train", "--backend", "cpu", "--tf32", "--steps", "2000", "--warmup", "1000", "--out",
                tf32Out.toString());
        assertEquals(1, tf32.code());
        assertTrue(tf32.err().contains("--tf32 applies to the CUDA backend"), tf32.err());
        assertFalse(Files.exists(tf32Out.resolve("config.json")), "nothing was written");
    }

    @Test
    void aShortRunTrainsResumesRefusesToOverwriteAndEvaluates(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        String[] args = {"train", "--steps", "700", "--warmup", "300", "--width", "0.0625", "--batch", "32",
                "--eval-interval", "350", "--eval-episodes", "1", "--checkpoint-interval", "350", "--backend", "cpu",
                "--threads", "1", "--out", out.toString()};
        Result first = run(args);
        assertEquals(0, first.code(), first.err());
        assertTrue(Files.exists(out.resolve("DONE")));
        assertTrue(Files.readString(out.resolve("config.json")).contains("\"criticRegime\" : \"rigl:0.6:1000\""));

        Result again = run(args);
        assertEquals(1, again.code());
        assertTrue(again.err().contains("already holds a run; continue it with --resume"), again.err());

        Result done = run("train", "--resume", out.toString());
        assertTrue(done.err().contains("already finished"), done.err());

        Result eval = run("eval", out.toString(), "--episodes", "2", "--backend", "cpu", "--threads", "1");
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("mean return"), eval.out());
    }

    @Test
    void architectureTypesAreRecordedReadBackAndResumed(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("arch");
        String[] args = {"train", "--encoder-arch", "TYPE_4", "--critic-arch", "6", "--actor-arch", "type1",
                "--steps", "400", "--warmup", "300", "--width", "0.0625", "--batch", "16", "--eval-interval", "0",
                "--eval-episodes", "1", "--checkpoint-interval", "350", "--backend", "cpu", "--threads", "1",
                "--out", out.toString()};
        Result first = run(args);
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("architecture types critic=type6,actor=type1"), first.out());
        String config = Files.readString(out.resolve("config.json"));
        assertTrue(config.contains("\"criticArch\" : \"type6\"") && config.contains("\"actorArch\" : \"type1\""),
                config);
        assertFalse(config.contains("encoderArch"), "MR.Q's own type is not recorded: " + config);
        dev.topiary.rl.RunSpec spec = TrainCommand.readSpec(out);
        assertEquals(dev.topiary.nn.ArchType.TYPE_4, spec.encoderType());
        assertEquals(dev.topiary.nn.ArchType.TYPE_6, spec.criticType());
        assertEquals(dev.topiary.nn.ArchType.TYPE_1, spec.actorType());

        // As if killed after the checkpoint at step 350: resume rebuilds the agent from config.json alone.
        Files.delete(out.resolve("DONE"));
        Result resumed = run("train", "--resume", out.toString(), "--backend", "cpu", "--threads", "1");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resuming mrq"), resumed.out());
        assertTrue(Files.exists(out.resolve("DONE")));
        assertEquals(spec, TrainCommand.readSpec(out));
    }
}
