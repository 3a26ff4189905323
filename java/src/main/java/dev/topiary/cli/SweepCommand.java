package dev.topiary.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.backend.BackendChoice;
import dev.topiary.run.AtomicFiles;
import dev.topiary.sweep.Estimate;
import dev.topiary.sweep.LocalExecutor;
import dev.topiary.sweep.Manifest;
import dev.topiary.sweep.Presets;
import dev.topiary.sweep.SweepDefinition;
import dev.topiary.sweep.SweepRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code topiary sweep}: sweep files into manifests, and manifests run by index, locally or on a cluster. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Sweeps: a sweep file (YAML or JSON; tasks x algorithms x regimes x architectures x widths x "
                + "seeds) expands into manifest.json, a fixed list of runs addressed by index. Runs are idempotent: "
                + "a finished run is "
                + "skipped, a started one resumes from its newest checkpoint.",
                "Built-in sweeps: --preset paper, fidelity, quick (their files are in the jar under sweeps/).",
                "Example, an estimated 40 minutes on 2 CPU cores (see the quick preset's header):",
                "  topiary sweep expand --preset quick --out sweeps/quick",
                "  topiary sweep local --out sweeps/quick --jobs 2 --threads 1"},
        subcommands = {SweepCommand.Expand.class, SweepCommand.ListRuns.class, SweepCommand.RunOne.class,
                SweepCommand.Local.class, SweepEmitCommand.class})
final class SweepCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code topiary sweep expand}: a sweep file or preset into {@code manifest.json}. */
    @Command(name = "expand", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Expands a sweep file or a built-in preset into DIR/manifest.json (and DIR/definition.json, "
                    + "the sweep as expanded), prints its run count and a compute estimate, and runs nothing.",
                    "Every key, task, algorithm and regime is checked first; nothing is written if one is wrong."})
    static final class Expand implements Runnable {
        @Parameters(arity = "0..1", paramLabel = "FILE", description = "A sweep file, .yaml/.yml or .json (keys: see "
                + "the javadoc of dev.topiary.sweep.SweepDefinition, or any preset file).")
        Path file;

        @Option(names = "--preset", paramLabel = "NAME", description = "A built-in sweep instead of FILE: paper (the "
                + "MST study on DeepMind Control), fidelity (dense MR.Q x1 on humanoid-run against its published "
                + "score) or quick (MR.Q on Pendulum-v1 on the CPU).")
        String preset;

        @Option(names = "--with", paramLabel = "AXIS", split = ",", description = "Optional axes of the paper preset, "
                + "comma-separated: sparsity (MST at sparsity 0.7, 0.8, 0.9, 0.95), architectures (MR.Q under MST "
                + "with one module at a time at each of the types type1 to type6 other than MR.Q's own, the others at "
                + "MST's: 15 plans). Both keep the preset's tasks, widths and seeds.")
        List<String> with = new ArrayList<>();

        @Option(names = "--tasks", paramLabel = "ID", split = ",", description = "Replaces the tasks of every grid, "
                + "e.g. --tasks dm_control/humanoid-run (the paper preset's are dm_control/humanoid-run and "
                + "dm_control/dog-run).")
        List<String> tasks;

        @Option(names = "--seeds", paramLabel = "N", description = "Replaces the seeds of every grid by 0 to N-1 "
                + "(e.g. a 1-seed try of a preset).")
        Integer seeds;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "The sweep directory: "
                + "manifest.json goes here, and runs/ and logs/ later. Re-expanding into it is allowed only when the "
                + "manifest comes out the same.")
        Path out;

        @Override
        public void run() {
            ObjectNode tree = definitionTree();
            String source = preset != null ? "preset " + preset : file.toString();
            SweepDefinition def = SweepDefinition.parse(tree, source);
            Manifest m = Manifest.of(def);
            boolean same = checkExisting(m);
            m.write(out);
            AtomicFiles.writeString(out.resolve("definition.json"), tree.toPrettyString() + "\n");
            System.out.printf("topiary sweep: '%s', %d runs%s in %s%n", m.sweep(), m.runs().size(),
                    same ? " (unchanged)" : "", out.resolve(Manifest.FILE));
            System.out.println(Estimate.of(m.runs()).describe());
            System.out.printf("next: topiary sweep local --out %s   (or: topiary sweep emit slurm|k8s --out %s)%n",
                    out, out);
        }

        private ObjectNode definitionTree() {
            if ((file == null) == (preset == null)) {
                throw new IllegalArgumentException("give a sweep FILE or --preset NAME (one of " + Presets.NAMES
                        + "), not " + (file == null ? "neither" : "both"));
            }
            if (!with.isEmpty() && preset == null) {
                throw new IllegalArgumentException("--with adds axes to a preset; in a sweep FILE add a grid instead");
            }
            JsonNode tree = preset != null ? Presets.tree(preset, with) : SweepDefinition.readTree(file);
            if (!(tree instanceof ObjectNode root)) {
                throw new IllegalArgumentException("sweep " + file + ": the top level must be a mapping of keys");
            }
            if (tasks != null) {
                ArrayNode list = root.arrayNode();
                tasks.forEach(list::add);
                Presets.override(root, "tasks", list);
            }
            if (seeds != null) {
                if (seeds < 1) {
                    throw new IllegalArgumentException("--seeds " + seeds + " must be ≥ 1");
                }
                Presets.override(root, "seeds", IntNode.valueOf(seeds));
            }
            return root;
        }

        /** True when DIR holds this very manifest; refuses a different one (array indices would change meaning). */
        private boolean checkExisting(Manifest m) {
            if (!Files.exists(out.resolve(Manifest.FILE))) {
                return false;
            }
            Manifest old;
            try {
                old = Manifest.read(out);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(out + " holds a manifest that cannot be read (" + e.getMessage()
                        + "); choose another --out, or delete " + out.resolve(Manifest.FILE) + " first");
            }
            if (!old.toJson().equals(m.toJson())) {
                throw new IllegalArgumentException(out + " already holds a different sweep ('" + old.sweep() + "', "
                        + old.runs().size() + " runs); indices would change meaning, so choose another --out "
                        + "(or delete the old one if none of its runs matter)");
            }
            return true;
        }
    }

    /** {@code topiary sweep list}: the runs and where each stands. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the runs of a sweep directory: index, id, status (pending: not started; started: "
                    + "config.json written, not finished; done: DONE written), name; then the counts.")
    static final class ListRuns implements Runnable {
        @Option(names = "--out", paramLabel = "DIR", required = true, description = "The sweep directory (holding "
                + "manifest.json).")
        Path out;

        @Override
        public void run() {
            Manifest m = Manifest.read(out);
            Map<Manifest.Status, Integer> counts = new EnumMap<>(Manifest.Status.class);
            System.out.printf("%5s  %-12s  %-7s  %s%n", "index", "id", "status", "name");
            for (Manifest.Entry e : m.runs()) {
                Manifest.Status s = Manifest.status(out, e);
                counts.merge(s, 1, Integer::sum);
                System.out.printf("%5d  %-12s  %-7s  %s%n", e.index(), e.id(), s.name().toLowerCase(Locale.ROOT), e.name());
            }
            System.out.printf("%d runs: %d done, %d started, %d pending%n", m.runs().size(),
                    counts.getOrDefault(Manifest.Status.DONE, 0), counts.getOrDefault(Manifest.Status.STARTED, 0),
                    counts.getOrDefault(Manifest.Status.PENDING, 0));
        }
    }

    /** {@code topiary sweep run}: one run by index (what a Slurm array task or a Kubernetes pod calls). */
    @Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Runs run I of the sweep into DIR/runs/<name>-<id>/: skips it when finished, resumes it "
                    + "from its newest checkpoint when started, else starts it. Safe to repeat or requeue; a second "
                    + "process on the same run is refused while the first holds its lock."})
    static final class RunOne implements Runnable {
        @Option(names = "--out", paramLabel = "DIR", required = true, description = "The sweep directory (holding "
                + "manifest.json).")
        Path out;

        @Option(names = "--index", paramLabel = "I", required = true, description = "The run's index in the "
                + "manifest, 0 to run count - 1 (see topiary sweep list).")
        int index;

        @Mixin
        BackendOptions backendOptions;

        @Override
        public void run() {
            BackendChoice.parse(backendOptions.backend);
            Manifest m = Manifest.read(out);
            m.run(index);
            SweepRunner.run(out, m, index, backendOptions::open, System.out);
        }
    }

    /** {@code topiary sweep local}: many runs on this machine, each in its own JVM. */
    @Command(name = "local", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Runs the sweep's runs on this machine, --jobs at a time, each in a child JVM (its output "
                    + "in DIR/logs/<index>.log), printing a line as each ends. Finished runs are skipped; stopping "
                    + "this command stops its children, and starting it again resumes them.",
                    "Exit code 1 when any run failed."})
    static final class Local implements Runnable {
        @Option(names = "--out", paramLabel = "DIR", required = true, description = "The sweep directory (holding "
                + "manifest.json).")
        Path out;

        @Option(names = "--jobs", paramLabel = "N", description = "Runs at once (default: one per GPU with --gpus, "
                + "else cores / --threads).")
        Integer jobs;

        @Option(names = "--threads", paramLabel = "T", defaultValue = "1", description = "CPU backend threads of each "
                + "run (default: ${DEFAULT-VALUE}). Keep jobs x threads at most the core count.")
        int threads;

        @Option(names = "--gpus", paramLabel = "ID", split = ",", description = "GPU ids to spread runs over "
                + "(CUDA_VISIBLE_DEVICES, round-robin), e.g. 0,1; more jobs than GPUs share them.")
        List<String> gpus = new ArrayList<>();

        @Option(names = "--indices", paramLabel = "LIST", description = "Runs to do, as indices and ranges, e.g. "
                + "0-5,9 (default: all).")
        String indices;

        @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto", description = "--backend of every "
                + "run: auto, cpu, cuda or reference (default: ${DEFAULT-VALUE}).")
        String backend;

        @Override
        public void run() {
            BackendChoice.parse(backend);
            Manifest m = Manifest.read(out);
            List<Integer> selected = m.select(indices);
            int n = jobs != null ? jobs : !gpus.isEmpty() ? gpus.size()
                    : Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, threads));
            LocalExecutor ex = new LocalExecutor(n, backend, threads, gpus);
            System.out.printf("topiary sweep: '%s', %d of %d runs, %d at a time, %d thread(s) each%s; logs in %s%n",
                    m.sweep(), selected.size(), m.runs().size(), n, threads, gpus.isEmpty() ? "" : " on GPUs " + gpus,
                    out.resolve("logs"));
            LocalExecutor.Summary s;
            try {
                s = ex.run(out, m, selected, System.out);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted; start it again to resume");
            }
            System.out.printf("topiary sweep: %d finished, %d skipped (already done), %d failed%s in %.0f s%n",
                    s.finished(), s.skipped(), s.failed().size(), s.failed().isEmpty() ? "" : " " + s.failed(),
                    s.seconds());
            if (!s.failed().isEmpty()) {
                throw new IllegalStateException(s.failed().size() + " runs failed " + s.failed() + "; their logs are "
                        + "in " + out.resolve("logs") + ", and the same command retries them");
            }
        }
    }
}
