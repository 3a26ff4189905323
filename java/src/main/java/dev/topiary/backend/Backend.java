package dev.topiary.backend;

/**
 * The one interface every compute backend implements: {@code ReferenceBackend} (float64 oracle), {@code CpuBackend}
 * (Vector API, all cores), the CUDA backend and the emulated-kernel backend used in tests.
 *
 * <p>Operations are grouped into families ({@link #blas()}, {@link #sparse()}, ...). Every family validates its
 * arguments identically on every backend, then runs the backend's implementation.
 *
 * <p><b>Execution model.</b> Ops are issued in program order onto the backend's single stream and may run
 * asynchronously (the CUDA backend returns before the kernel finishes; the CPU backends finish before returning).
 * Ops never return values to the host: results, scalars included, go into output tensors the caller allocated
 * once, so a whole training step can be captured and replayed. Host transfers on {@link Tensor} wait for queued
 * work. Unless an op's documentation says otherwise, outputs may not alias inputs, except for elementwise ops,
 * which may run in place.
 *
 * <p><b>Determinism.</b> The same inputs give bit-identical outputs on every run of a backend, whatever its thread
 * count; selection ops (pruning, regrowth, random masks) pick identical entries on every backend, because ties go
 * to the lower flat (row-major) index and random keys are integers from the counter-based {@code Philox} stream.
 */
public interface Backend extends AutoCloseable {

    /** Short name: "reference", "cpu", "cuda", "emulated". */
    String name();

    /** One line a person can read: the device, its threads or card, the vector width. */
    String description();

    /** A new arena; tensors it allocates live until it is closed. */
    TensorArena newArena();

    /** Waits until every queued op has finished. */
    void sync();

    /**
     * Runs {@code step}, one training step's ops issued under the name {@code key}, as device graphs where the
     * backend has them (the kernel backends: one CUDA graph launch instead of a launch per op, replayed each time
     * the same key comes again with only scalar arguments or pointers changed). Results are identical to running
     * {@code step} directly, which is what every other backend does. A host transfer or a sync inside the step
     * splits it into separately replayed segments; nothing else changes. Steps do not nest: an inner call just runs.
     */
    default void graphed(String key, Runnable step) {
        step.run();
    }

    /**
     * What {@link #graphed} has done so far (segments, graph builds, launches, node updates, eager nodes), for logs
     * and tests; empty where steps run directly.
     */
    default java.util.Map<String, Long> graphCounters() {
        return java.util.Map.of();
    }

    /**
     * Density below which a sparse layer should use {@link SparseWeight.Layout#COMPACT} on this backend: the measured
     * crossover of its compact and dense-with-mask paths.
     */
    double compactBelowDensity();

    BlasOps blas();

    SparseOps sparse();

    ElementOps elements();

    NnOps nn();

    LossOps losses();

    ReduceOps reduce();

    TopologyOps topology();

    OptimOps optim();

    RandomOps random();

    SamplingOps sampling();

    /** Releases the backend's threads and resources; tensors of its arenas must be closed first. */
    @Override
    void close();
}
