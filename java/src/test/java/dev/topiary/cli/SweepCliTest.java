package dev.topiary.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.topiary.sweep.KubernetesJob;
import dev.topiary.sweep.Manifest;
import dev.topiary.sweep.SlurmScript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code topiary sweep}: help for every option, bad input refused before any work, and the emitted cluster files. */
class SweepCliTest {

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true));
            System.setErr(new PrintStream(e, true));
            return new Result(Main.run(args), o.toString(), e.toString());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void everySweepOptionIsExplainedInItsHelp() {
        Map<String, List<String>> options = Map.of(
                "expand", List.of("--preset", "--with", "--tasks", "--seeds", "--out", "[FILE]"),
                "list", List.of("--out"),
                "run", List.of("--out", "--index", "--backend", "--threads"),
                "local", List.of("--out", "--jobs", "--threads", "--gpus", "--indices", "--backend"),
                "emit slurm", List.of("--out", "--image", "--gpus-per-task", "--cpus-per-task", "--backend",
                        "--topiary", "--partition", "--time", "--max-concurrent"),
                "emit k8s", List.of("--out", "--image", "--gpus-per-task", "--cpus-per-task", "--backend", "--topiary",
                        "--claim", "--mount", "--parallelism", "--memory", "--retries"));
        for (var e : options.entrySet()) {
            String[] args = ("sweep " + e.getKey() + " --help").split(" ");
            Result r = run(args);
            assertEquals(0, r.code(), e.getKey());
            for (String option : e.getValue()) {
                assertTrue(description(r.out(), option).split(" ").length >= 5, option + " of " + e.getKey()
                        + " is not explained in:\n" + r.out());
            }
        }
        assertTrue(run("sweep", "--help").out().contains("emit"));
        String expand = run("sweep", "expand", "--help").out().replaceAll("\\s+", " ");
        assertTrue(expand.contains("sparsity (MST at sparsity") && expand.contains("architectures (MR.Q under MST")
                && !expand.contains("refused"), expand);
    }

    @Test
    void thePaperPresetExpandsWithTheArchitectureAxis(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("arch");
        Result r = run("sweep", "expand", "--preset", "paper", "--with", "architectures", "--tasks",
                "dm_control/humanoid-run", "--seeds", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        // (18 MR.Q + 2 x 12 SAC/DDPG plans + 15 architectures) x 4 widths x 1 seed.
        assertTrue(r.out().contains("'paper', 228 runs"), r.out());
        Result listed = run("sweep", "list", "--out", out.toString());
        assertTrue(listed.out().contains("dm_control/humanoid-run/mrq/mst+critic=type6/w1/s0"), listed.out());
        Result unknown = run("sweep", "expand", "--preset", "paper", "--with", "archs", "--out",
                tmp.resolve("x").toString());
        assertTrue(unknown.err().contains("use one of [sparsity, architectures]"), unknown.err());
    }

    /** The words picocli prints for {@code option} in the options list (past its name, maybe on the next line). */
    static String description(String help, String option) {
        List<String> lines = help.lines().map(String::trim).toList();
        for (int i = 0; i < lines.size(); i++) {
            String[] cells = lines.get(i).split("\\s{2,}", 2);
            if (cells[0].startsWith(option) && !cells[0].contains(" ")) {
                return cells.length == 2 ? cells[1] : i + 1 < lines.size() ? lines.get(i + 1) : "";
            }
        }
        return "";
    }

    @Test
    void badInputFailsBeforeAnyRunWithTheFix(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("sweep");
        Result neither = run("sweep", "expand", "--out", out.toString());
        assertEquals(1, neither.code());
        assertTrue(neither.err().contains("give a sweep FILE or --preset NAME"), neither.err());
        assertTrue(neither.err().startsWith("topiary sweep expand: "), "names the full command: " + neither.err());
        Result unknownPreset = run("sweep", "expand", "--preset", "paperr", "--out", out.toString());
        assertTrue(unknownPreset.err().contains("use one of [paper, fidelity, quick]"), unknownPreset.err());
        Result missing = run("sweep", "expand", tmp.resolve("nope.yaml").toString(), "--out", out.toString());
        assertTrue(missing.err().contains("does not exist"), missing.err());
        assertFalse(Files.exists(out.resolve(Manifest.FILE)), "nothing written");

        Result noManifest = run("sweep", "run", "--out", out.toString(), "--index", "0");
        assertTrue(noManifest.err().contains("topiary sweep expand"), noManifest.err());

        assertEquals(0, run("sweep", "expand", "--preset", "quick", "--seeds", "1", "--out", out.toString()).code());
        Result index = run("sweep", "run", "--out", out.toString(), "--index", "9");
        assertTrue(index.err().contains("indices 0 to 8"), index.err());
        Result backend = run("sweep", "run", "--out", out.toString(), "--index", "0", "--backend", "tpu");
        assertTrue(backend.err().contains("use auto, cpu, cuda or reference"), backend.err());
        assertFalse(Files.exists(out.resolve("runs")), "no run started");

        Result other = run("sweep", "expand", "--preset", "quick", "--out", out.toString());
        assertTrue(other.err().contains("already holds a different sweep"), other.err());
        Result same = run("sweep", "expand", "--preset", "quick", "--seeds", "1", "--out", out.toString());
        assertTrue(same.out().contains("9 runs (unchanged)") && same.out().contains("GPU-hours"), same.out());
        Result listed = run("sweep", "list", "--out", out.toString());
        assertTrue(listed.out().contains("9 runs: 0 done, 0 started, 9 pending"), listed.out());
        Result k8s = run("sweep", "emit", "k8s", "--out", out.toString());
        assertTrue(k8s.err().contains("--image"), k8s.err());
    }

    @Test
    void theSlurmScriptIsValidBashWithTheArrayAndTheRunCommand(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("it's a sweep");
        assertEquals(0, run("sweep", "expand", "--preset", "quick", "--out", out.toString()).code());
        Result r = run("sweep", "emit", "slurm", "--out", out.toString(), "--partition", "gpu", "--gpus-per-task", "1",
                "--time", "12:00:00", "--max-concurrent", "4");
        assertEquals(0, r.code(), r.err());
        Path script = out.resolve(SlurmScript.FILE);
        String text = Files.readString(script);
        assertTrue(text.startsWith("#!/bin/bash\n"));
        for (String line : List.of("#SBATCH --array=0-26%4", "#SBATCH --requeue", "#SBATCH --gpus-per-task=1",
                "#SBATCH --partition=gpu", "#SBATCH --time=12:00:00")) {
            assertTrue(text.contains(line + "\n"), line + " missing from:\n" + text);
        }
        assertTrue(text.contains("sweep run --out \"$SWEEP\" --index \"$SLURM_ARRAY_TASK_ID\" --backend 'cuda'"), text);
        assertTrue(Files.isDirectory(out.resolve("logs")), "Slurm needs the --output folder to exist");
        Process bash = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
        assertTrue(bash.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, bash.exitValue(), new String(bash.getInputStream().readAllBytes()));
        // The quoted sweep path really is the directory when the script's assignment runs.
        Process sweepVar = new ProcessBuilder("bash", "-c", Files.readAllLines(script).stream()
                .filter(l -> l.startsWith("SWEEP=")).findFirst().orElseThrow() + "; printf %s \"$SWEEP\"").start();
        assertEquals(out.toAbsolutePath().normalize().toString(), new String(sweepVar.getInputStream().readAllBytes()));
    }

    @Test
    void theKubernetesJobIsAnIndexedJobOverTheWholeManifest(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("sweep");
        assertEquals(0, run("sweep", "expand", "--preset", "quick", "--out", out.toString()).code());
        Result r = run("sweep", "emit", "k8s", "--out", out.toString(), "--image", "registry.example/topiary:1.0",
                "--gpus-per-task", "1", "--parallelism", "5", "--memory", "8Gi");
        assertEquals(0, r.code(), r.err());
        JsonNode job = new ObjectMapper(new YAMLFactory()).readTree(out.resolve(KubernetesJob.FILE).toFile());
        assertEquals("batch/v1", job.path("apiVersion").asText());
        assertEquals("Job", job.path("kind").asText());
        assertEquals("Indexed", job.at("/spec/completionMode").asText());
        assertEquals(27, job.at("/spec/completions").asInt());
        assertEquals(5, job.at("/spec/parallelism").asInt());
        assertEquals("Never", job.at("/spec/template/spec/restartPolicy").asText());
        JsonNode c = job.at("/spec/template/spec/containers/0");
        assertEquals("registry.example/topiary:1.0", c.path("image").asText());
        String command = c.path("command").get(2).asText();
        assertTrue(command.contains("sweep run --out '/sweep' --index \"$JOB_COMPLETION_INDEX\""), command);
        assertEquals(1, c.at("/resources/limits/nvidia.com~1gpu").asInt());
        assertEquals("/sweep", c.at("/volumeMounts/0/mountPath").asText());
        assertEquals("topiary-sweep", job.at("/spec/template/spec/volumes/0/persistentVolumeClaim/claimName").asText());

        assertEquals(0, run("sweep", "emit", "k8s", "--out", out.toString(), "--image", "img").code());
        JsonNode cpu = new ObjectMapper(new YAMLFactory()).readTree(out.resolve(KubernetesJob.FILE).toFile());
        JsonNode cpuContainer = cpu.at("/spec/template/spec/containers/0");
        assertTrue(cpuContainer.at("/resources/limits/nvidia.com~1gpu").isMissingNode(), "no GPU asked for");
        assertTrue(cpuContainer.path("command").get(2).asText().contains("--backend 'cpu'"));
    }
}
