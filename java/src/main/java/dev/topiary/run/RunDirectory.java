package dev.topiary.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The layout of a run directory: {@code config.json}, {@code metrics.csv}, {@code evals.csv},
 * {@code diagnostics.csv}, {@code compute.json}, TensorBoard events in
 * {@code tb/}, {@code checkpoints/}, the final agent in {@code agent/}, the learning curve {@code curve.png}, and {@code DONE} when the run finished.
 */
public final class RunDirectory {
    private final Path root;

    private RunDirectory(Path root) {
        this.root = root;
    }

    /** Opens {@code root}, creating it and its {@code checkpoints/} and {@code tb/} folders if missing. */
    public static RunDirectory open(Path root) {
        RunDirectory d = new RunDirectory(root.toAbsolutePath().normalize());
        try {
            Files.createDirectories(d.checkpoints());
            Files.createDirectories(d.tensorboard());
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the run directory " + root + ": " + e.getMessage(), e);
        }
        return d;
    }

    public Path root() {
        return root;
    }

    public Path config() {
        return root.resolve("config.json");
    }

    public Path metrics() {
        return root.resolve("metrics.csv");
    }

    public Path evals() {
        return root.resolve("evals.csv");
    }

    /** Compute and plasticity diagnostics, one row per evaluation (FLOPs per call, dormant ratios, stable ranks). */
    public Path diagnostics() {
        return root.resolve("diagnostics.csv");
    }

    /** Wall-clock, peak memory, FLOPs and parameter counts of the run so far. */
    public Path compute() {
        return root.resolve("compute.json");
    }

    public Path tensorboard() {
        return root.resolve("tb");
    }

    public Path checkpoints() {
        return root.resolve("checkpoints");
    }

    /** The final agent, written when the run finishes (what {@code topiary eval} loads by default). */
    public Path agent() {
        return root.resolve("agent");
    }

    public Path curve() {
        return root.resolve("curve.png");
    }

    public Path doneMarker() {
        return root.resolve("DONE");
    }

    /** True when the run finished (a sweep skips it). */
    public boolean isDone() {
        return Files.exists(doneMarker());
    }

    /** Writes {@code DONE} with the finishing time. */
    public void markDone() {
        AtomicFiles.writeString(doneMarker(), Instant.now() + "\n");
    }
}
