package dev.topiary.sweep;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * {@code logs/<index>.log} in the sweep directory.
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
        long t0 = System.nanoTime();
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        List<Integer> failed = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        AtomicInteger slots = new AtomicInteger();
        ThreadLocal<Integer> slot = ThreadLocal.withInitial(slots::getAndIncrement);
        List<Future<?>> futures = new ArrayList<>();
        for (int index : indices) {
            futures.add(pool.submit(() -> {
                Manifest.Entry e = manifest.run(index);
                if (Files.exists(Manifest.runDirectory(sweepDir, e).resolve("DONE"))) {
                    skipped.incrementAndGet();
                    console.printf("[%d/%d] run %d %s: already finished%n", done(finished, skipped, failed),
                            indices.size(), index, e.name());
                    return;
                }
                long s0 = System.nanoTime();
                int code = child(sweepDir, index, gpuFor(slot.get()));
                double s = (System.nanoTime() - s0) / 1e9;
                if (code == 0) {
                    finished.incrementAndGet();
                } else {
                    failed.add(index);
                }
                console.printf(Locale.ROOT, "[%d/%d] run %d %s: %s in %.0f s%s%n", done(finished, skipped, failed),
                        indices.size(), index, e.name(), code == 0 ? "finished" : "FAILED (exit " + code + ")", s,
                        code == 0 ? "" : "; see " + log(sweepDir, index));
            }));
        }
        pool.shutdown();
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (java.util.concurrent.ExecutionException ex) {
            throw new IllegalStateException("the local executor failed: " + ex.getCause(), ex.getCause());
        } finally {
            pool.shutdownNow();
        }
        List<Integer> sortedFailed = new ArrayList<>(failed);
        sortedFailed.sort(null);
        return new Summary(finished.get(), skipped.get(), sortedFailed, (System.nanoTime() - t0) / 1e9);
    }

    private static int done(AtomicInteger finished, AtomicInteger skipped, List<Integer> failed) {
        return finished.get() + skipped.get() + failed.size();
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
            if (!arg.startsWith("-agentlib") && !arg.startsWith("-javaagent")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.topiary.cli.Main", "sweep", "run",
                "--out", sweepDir.toString(), "--index", Integer.toString(index), "--backend", backend, "--threads",
                Integer.toString(threadsPerRun)));
        return cmd;
    }

    private int child(Path sweepDir, int index, String gpu) {
        try {
            Files.createDirectories(sweepDir.resolve("logs"));
            ProcessBuilder pb = new ProcessBuilder(command(sweepDir, index)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log(sweepDir, index).toFile()));
            if (gpu != null) {
                pb.environment().put("CUDA_VISIBLE_DEVICES", gpu);
            }
            Process p = pb.start();
            try {
                return p.waitFor();
            } catch (InterruptedException e) {
                p.destroy();
                Thread.currentThread().interrupt();
                return 130;
            }
        } catch (IOException e) {
            return 127;
        }
    }
}
