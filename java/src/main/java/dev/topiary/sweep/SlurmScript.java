package dev.topiary.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A ready-to-submit Slurm job array for a sweep directory: array task i runs {@code topiary sweep run --index i}, so
 * Slurm does the scheduling and Topiary none. {@code --requeue} lets a pre-empted or failed-node task start again;
 * the run then resumes from its newest checkpoint (a finished run is skipped), so requeueing is always safe.
 *
 * @param topiary       the launcher as the compute nodes see it (an absolute path, or a name on their PATH)
 * @param image         a container image to run the launcher in through Pyxis ({@code srun --container-image}),
 *                      or null to run it on the node directly
 * @param partition     the partition, or null for the cluster's default
 * @param gpusPerTask   GPUs per array task (0 for CPU runs)
 * @param cpusPerTask   CPU cores per array task; also the CPU backend's threads
 * @param time          the wall-time limit per task (Slurm's format, e.g. 24:00:00)
 * @param maxConcurrent array tasks running at once ({@code %K}), 0 for no limit
 * @param backend       the --backend value of every run
 */
public record SlurmScript(String topiary, String image, String partition, int gpusPerTask, int cpusPerTask,
                          String time, int maxConcurrent, String backend) {
    /** Slurm's default MaxArraySize: arrays may hold indices 0 to 1000 unless the cluster raises it. */
    public static final int DEFAULT_MAX_ARRAY_SIZE = 1001;
    public static final String FILE = "sweep.sbatch";

    public SlurmScript {
        if (gpusPerTask < 0 || cpusPerTask < 1 || maxConcurrent < 0) {
            throw new IllegalArgumentException("--gpus-per-task " + gpusPerTask + " must be ≥ 0, --cpus-per-task "
                    + cpusPerTask + " ≥ 1 and --max-concurrent " + maxConcurrent + " ≥ 0");
        }
        if (!time.matches("(\\d+-)?\\d+(:\\d{2}){0,2}")) {
            throw new IllegalArgumentException("--time '" + time + "' is not a Slurm time; use e.g. 24:00:00, "
                    + "2-00:00:00 or 90 (minutes)");
        }
    }

    /** The script for {@code manifest} in {@code sweepDir} (made absolute: array tasks start elsewhere). */
    public String render(Path sweepDir, Manifest manifest) {
        Path dir = sweepDir.toAbsolutePath().normalize();
        int n = manifest.runs().size();
        List<String> l = new ArrayList<>();
        l.add("#!/bin/bash");
        l.add("# Slurm job array for the Topiary sweep '" + manifest.sweep() + "': " + n + " runs, task i runs run i");
        l.add("# of " + dir.resolve(Manifest.FILE) + ". Written by 'topiary sweep emit slurm'; submit with");
        l.add("#   sbatch " + dir.resolve(FILE));
        l.add("# Runs are idempotent: a finished run is skipped, a pre-empted one resumes from its last checkpoint.");
        if (n > DEFAULT_MAX_ARRAY_SIZE) {
            l.add("# NOTE: " + n + " tasks exceed Slurm's default MaxArraySize (" + DEFAULT_MAX_ARRAY_SIZE + "); "
                    + "ask for a larger limit, or submit in parts with sbatch --array=A-B.");
        }
        l.add("#SBATCH --job-name=" + jobName(manifest.sweep()));
        l.add("#SBATCH --array=0-" + (n - 1) + (maxConcurrent > 0 ? "%" + maxConcurrent : ""));
        l.add("#SBATCH --requeue");
        l.add("#SBATCH --ntasks=1");
        l.add("#SBATCH --cpus-per-task=" + cpusPerTask);
        if (gpusPerTask > 0) {
            l.add("#SBATCH --gpus-per-task=" + gpusPerTask);
        }
        if (partition != null) {
            l.add("#SBATCH --partition=" + partition);
        }
        l.add("#SBATCH --time=" + time);
        l.add("#SBATCH --output=" + dir.resolve("logs").resolve("slurm-%A_%a.log"));
        l.add("set -euo pipefail");
        l.add("SWEEP=" + quote(dir.toString()));
        l.add("cd \"$SWEEP\"");
        l.add(image == null ? "exec " + runCommand() : "exec srun --container-image=" + quote(image)
                + " --container-mounts=\"$SWEEP:$SWEEP\" " + runCommand());
        return String.join("\n", l) + "\n";
    }

    private String runCommand() {
        return quote(topiary) + " sweep run --out \"$SWEEP\" --index \"$SLURM_ARRAY_TASK_ID\" --backend "
                + quote(backend) + " --threads " + cpusPerTask;
    }

    /** A job name Slurm accepts: the sweep's name, which {@link SweepDefinition} keeps to [A-Za-z0-9._-]. */
    static String jobName(String sweep) {
        return "topiary-" + sweep;
    }

    /** {@code s} as one word for bash, in single quotes. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
