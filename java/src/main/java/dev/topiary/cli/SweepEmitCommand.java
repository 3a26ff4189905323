package dev.topiary.cli;

import dev.topiary.backend.BackendChoice;
import dev.topiary.run.AtomicFiles;
import dev.topiary.sweep.KubernetesJob;
import dev.topiary.sweep.Manifest;
import dev.topiary.sweep.SlurmScript;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code topiary sweep emit slurm|k8s}: cluster files for a manifest. Topiary never schedules across machines; Slurm
 * or Kubernetes runs each index, and each index calls {@code topiary sweep run}.
 */
@Command(name = "emit", mixinStandardHelpOptions = true,
        description = "Writes a ready-to-submit cluster file for a sweep directory: slurm (a job array, DIR/"
                + SlurmScript.FILE + ") or k8s (an Indexed Job, DIR/" + KubernetesJob.FILE + "). Each array task or "
                + "pod runs 'topiary sweep run --index I' for its own index.",
        subcommands = {SweepEmitCommand.Slurm.class, SweepEmitCommand.K8s.class})
final class SweepEmitCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The options both emitters share. */
    static final class Common {
        @Option(names = "--out", paramLabel = "DIR", required = true, description = "The sweep directory (holding "
                + "manifest.json); the file is written into it.")
        Path out;

        @Option(names = "--image", paramLabel = "IMAGE", description = "Container image holding Topiary. k8s: "
                + "required. slurm: optional; with it each task runs in the image through Pyxis (srun "
                + "--container-image), the sweep directory mounted at the same path.")
        String image;

        @Option(names = "--gpus-per-task", paramLabel = "N", defaultValue = "0", description = "GPUs per run (slurm "
                + "--gpus-per-task, k8s nvidia.com/gpu limit); 0 for CPU runs (default: ${DEFAULT-VALUE}).")
        int gpusPerTask;

        @Option(names = "--cpus-per-task", paramLabel = "N", defaultValue = "4", description = "CPU cores per run, "
                + "also its CPU backend threads (default: ${DEFAULT-VALUE}).")
        int cpusPerTask;

        @Option(names = "--backend", paramLabel = "NAME", description = "--backend of every run (default: cuda with "
                + "--gpus-per-task > 0, else cpu, so a task that lost its GPU fails instead of crawling on the CPU).")
        String backend;

        @Option(names = "--topiary", paramLabel = "CMD", defaultValue = "topiary", description = "The Topiary "
                + "launcher as the nodes or the image see it: an absolute path or a name on PATH (default: "
                + "${DEFAULT-VALUE}).")
        String topiary;

        String backend() {
            String b = backend != null ? backend : gpusPerTask > 0 ? "cuda" : "cpu";
            BackendChoice.parse(b);
            return b;
        }

        void write(String file, String text) {
            Path target = out.resolve(file);
            AtomicFiles.writeString(target, text);
            System.out.printf("topiary sweep: wrote %s%n", target);
        }
    }

    /** {@code topiary sweep emit slurm}. */
    @Command(name = "slurm", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Writes DIR/" + SlurmScript.FILE + ": a Slurm job array (--array=0-(N-1), --requeue) whose "
                    + "task i runs 'topiary sweep run --out DIR --index $SLURM_ARRAY_TASK_ID'. Submit it with sbatch "
                    + "from a machine that shares DIR with the compute nodes.",
                    "Task output goes to DIR/logs/slurm-<job>_<index>.log."})
    static final class Slurm implements Runnable {
        @Mixin
        Common common;

        @Option(names = "--partition", paramLabel = "NAME", description = "Slurm partition (default: the cluster's).")
        String partition;

        @Option(names = "--time", paramLabel = "LIMIT", defaultValue = "24:00:00", description = "Wall-time limit "
                + "per task, e.g. 24:00:00 or 2-00:00:00 (default: ${DEFAULT-VALUE}); a task that hits it is "
                + "requeued by hand or by the cluster and resumes.")
        String time;

        @Option(names = "--max-concurrent", paramLabel = "K", defaultValue = "0", description = "Array tasks running "
                + "at once (--array=...%K); 0 for no limit (default: ${DEFAULT-VALUE}).")
        int maxConcurrent;

        @Override
        public void run() {
            SlurmScript script = new SlurmScript(common.topiary, common.image, partition, common.gpusPerTask,
                    common.cpusPerTask, time, maxConcurrent, common.backend());
            Manifest m = Manifest.read(common.out);
            try {
                // Slurm does not create the --output folder: a missing one fails every task silently.
                Files.createDirectories(common.out.resolve("logs"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + common.out.resolve("logs"), e);
            }
            common.write(SlurmScript.FILE, script.render(common.out, m));
            if (m.runs().size() > SlurmScript.DEFAULT_MAX_ARRAY_SIZE) {
                System.out.printf("note: %d tasks exceed Slurm's default MaxArraySize (%d); see the script's "
                        + "header%n", m.runs().size(), SlurmScript.DEFAULT_MAX_ARRAY_SIZE);
            }
            System.out.printf("submit: sbatch %s%n", common.out.toAbsolutePath().normalize()
                    .resolve(SlurmScript.FILE));
        }
    }

    /** {@code topiary sweep emit k8s}. */
    @Command(name = "k8s", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Writes DIR/" + KubernetesJob.FILE + ": a Kubernetes Indexed Job (completionMode Indexed, "
                    + "completions = run count) whose pod i runs 'topiary sweep run --index $JOB_COMPLETION_INDEX' in "
                    + "--image, with the sweep directory on a PersistentVolumeClaim mounted at --mount.",
                    "Copy DIR (manifest.json at least) onto the claim's root, then kubectl apply -f the file."})
    static final class K8s implements Runnable {
        @Mixin
        Common common;

        @Option(names = "--claim", paramLabel = "NAME", defaultValue = "topiary-sweep", description = "The "
                + "PersistentVolumeClaim holding the sweep directory (default: ${DEFAULT-VALUE}); ReadWriteMany "
                + "when pods run on several nodes.")
        String claim;

        @Option(names = "--mount", paramLabel = "PATH", defaultValue = "/sweep", description = "Where the claim is "
                + "mounted in each pod (default: ${DEFAULT-VALUE}).")
        String mount;

        @Option(names = "--parallelism", paramLabel = "N", defaultValue = "8", description = "Pods at once, capped "
                + "at the run count (default: ${DEFAULT-VALUE}).")
        int parallelism;

        @Option(names = "--memory", paramLabel = "SIZE", description = "Memory request and limit per pod, e.g. 16Gi "
                + "(default: none).")
        String memory;

        @Option(names = "--retries", paramLabel = "N", defaultValue = "3", description = "Retries per index "
                + "(backoffLimitPerIndex; default: ${DEFAULT-VALUE}).")
        int retries;

        @Override
        public void run() {
            KubernetesJob job = new KubernetesJob(common.image, common.topiary, claim, mount, parallelism,
                    common.gpusPerTask, common.cpusPerTask, memory, retries, common.backend());
            Manifest m = Manifest.read(common.out);
            common.write(KubernetesJob.FILE, job.render(m));
            System.out.printf("apply: copy %s onto the claim '%s', then kubectl apply -f %s%n", common.out, claim,
                    common.out.resolve(KubernetesJob.FILE));
        }
    }
}
