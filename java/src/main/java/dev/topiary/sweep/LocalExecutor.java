package dev.topiary.sweep;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs many runs of a manifest on this machine, {@code jobs} at a time, each in its own JVM ({@code topiary sweep run
 * --index I}, with this JVM's flags and class path): a crash or an out-of-memory stays in its run, peak memory is
 * per run, and a killed sweep resumes every run where it stopped when started again. Each child gets
 * {@code threadsPerRun} CPU backend threads; with {@code gpus} given, children are spread over them round-robin
 * through {@code CUDA_VISIBLE_DEVICES} (so several per GPU when jobs exceed the GPU count). A child's output goes to
 * {@code logs/<index>.log} in the sweep directory. When this JVM is stopped (Ctrl-C, SIGTERM) its children are
 * stopped too, so none keeps running unsupervised; they resume on the next start.
 *
 * @param backend       the --backend value passed to every child
 * @param threadsPerRun CPU backend threads per child
 * @param gpus          GPU ids for CUDA_VISIBLE_DEVICES, empty for none
 */
public record LocalExecutor(int jobs, String backend, int threadsPerRun, List<String> gpus) {

    public LocalExecutor {
        if (jobs < 1 || threadsPerRun < 1) {
            throw new IllegalArgumentException("--jobs " + jobs + " and --threads " + threadsPerRun + " must be ≥ 1");
        }
        gpus = List.copyOf(gpus);
    }

    /** The summary of a local sweep. */
    public record Summary(int finished, int skipped, List<Integer> failed, double seconds) {
    }

    /** The GPU the {@code slot}-th concurrent child uses, or null without GPUs. */
    public String gpuFor(int slot) {
        return gpus.isEmpty() ? null : gpus.get(slot % gpus.size());
    }

    /** Runs {@code indices} of the manifest in {@code sweepDir}; returns when all have ended. */
    public Summary run(Path sweepDir, Manifest manifest, List<Integer> indices, PrintStream console)
            throws InterruptedException {
        for (int i : indices) {
            manifest.run(i);
        }
        Progress progress = new Progress(indices.size(), jobs, console);
        Set<Process> live = ConcurrentHashMap.newKeySet();
        Thread reaper = new Thread(() -> live.forEach(Process::destroy), "topiary-sweep-children");
        Runtime.getRuntime().addShutdownHook(reaper);
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        AtomicInteger slots = new AtomicInteger();
        ThreadLocal<Integer> slot = ThreadLocal.withInitial(slots::getAndIncrement);
        List<Future<?>> futures = new ArrayList<>();
        for (int index : indices) {
            futures.add(pool.submit(() -> runOne(sweepDir, manifest.run(index), gpuFor(slot.get()), live, progress)));
        }
        pool.shutdown();
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (ExecutionException ex) {
            throw new IllegalStateException("the local executor failed: " + ex.getCause(), ex.getCause());
        } finally {
            pool.shutdownNow();
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running already, stopping the children: nothing to undo.
            }
        }
        return progress.summary();
    }

    private void runOne(Path sweepDir, Manifest.Entry e, String gpu, Set<Process> live, Progress progress) {
        if (Manifest.status(sweepDir, e) == Manifest.Status.DONE) {
            progress.skipped(e);
            return;
        }
        long s0 = System.nanoTime();
        int code = child(sweepDir, e.index(), gpu, live);
        progress.ended(e, code, (System.nanoTime() - s0) / 1e9, log(sweepDir, e.index()));
    }

    static Path log(Path sweepDir, int index) {
        return sweepDir.resolve("logs").resolve(index + ".log");
    }

    /** The command line of a child: this JVM, its flags and class path, then {@code sweep run}. */
    List<String> command(Path sweepDir, int index) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
                "java").toString()));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // A debugger or coverage agent of the parent would clash on its port or file in every child.
            if (!arg.startsWith("-agentlib") && !arg.startsWith("-javaagent")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.topiary.cli.Main", "sweep", "run",
                "--out", sweepDir.toString(), "--index", Integer.toString(index), "--backend", backend, "--threads",
                Integer.toString(threadsPerRun)));
        return cmd;
    }

    /** Runs the child to its end and returns its exit code (127: it could not start, 130: we were interrupted). */
    private int child(Path sweepDir, int index, String gpu, Set<Process> live) {
        try {
            Files.createDirectories(sweepDir.resolve("logs"));
            ProcessBuilder pb = new ProcessBuilder(command(sweepDir, index)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log(sweepDir, index).toFile()));
            if (gpu != null) {
                pb.environment().put("CUDA_VISIBLE_DEVICES", gpu);
            }
            Process p = pb.start();
            live.add(p);
            try {
                return p.waitFor();
            } catch (InterruptedException e) {
                p.destroy();
                Thread.currentThread().interrupt();
                return 130;
            } finally {
                live.remove(p);
            }
        } catch (IOException e) {
            return 127;
        }
    }

    /**
     * Counts and one console line per ended run: {@code [k/N] run i NAME: finished in 95 s | 3 running, ETA 12 min}.
     * The ETA assumes the remaining runs cost the mean of those finished so far and run {@code jobs} at a time.
     */
    static final class Progress {
        private final int total;
        private final int jobs;
        private final PrintStream console;
        private final long start = System.nanoTime();
        private final List<Integer> failed = Collections.synchronizedList(new ArrayList<>());
        private int finished;
        private int skipped;
        private double finishedSeconds;

        Progress(int total, int jobs, PrintStream console) {
            this.total = total;
            this.jobs = jobs;
            this.console = console;
        }

        synchronized void skipped(Manifest.Entry e) {
            skipped++;
            line(e, "already finished, skipped");
        }

        synchronized void ended(Manifest.Entry e, int code, double seconds, Path log) {
            if (code == 0) {
                finished++;
                finishedSeconds += seconds;
                line(e, String.format(Locale.ROOT, "finished in %.0f s", seconds));
            } else {
                failed.add(e.index());
                line(e, String.format(Locale.ROOT, "FAILED (exit %d) after %.0f s; see %s", code, seconds, log));
            }
        }

        private void line(Manifest.Entry e, String what) {
            int ended = finished + skipped + failed.size();
            int left = total - ended;
            String eta = finished == 0 || left == 0 ? "" : String.format(Locale.ROOT, ", ETA %.1f min",
                    finishedSeconds / finished * Math.ceil((double) left / jobs) / 60);
            console.printf(Locale.ROOT, "[%d/%d] run %d %s: %s | %.1f min elapsed%s%n", ended, total, e.index(),
                    e.name(), what, (System.nanoTime() - start) / 60e9, eta);
        }

        synchronized Summary summary() {
            List<Integer> sorted = new ArrayList<>(failed);
            sorted.sort(null);
            return new Summary(finished, skipped, sorted, (System.nanoTime() - start) / 1e9);
        }
    }
}
