package dev.topiary.diag;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A poor man's profiler that needs no agent: a daemon thread samples one thread's stack at a fixed period and
 * counts the category each sample falls in. On the CPU backend the caller's thread waits inside the op that its
 * workers run, so its stack names the op even when the work is parallel. Sampling costs a safepoint per sample; at
 * a few hundred hertz that is well under a percent of a training step.
 */
public final class StackSampler implements AutoCloseable {
    private final Thread target;
    private final Function<StackTraceElement[], String> classify;
    private final long periodNanos;
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    public StackSampler(Thread target, long periodMicros, Function<StackTraceElement[], String> classify) {
        this.target = target;
        this.classify = classify;
        this.periodNanos = periodMicros * 1000;
        this.sampler = Thread.ofPlatform().daemon().name("topiary-stack-sampler").start(this::loop);
    }

    private void loop() {
        long next = System.nanoTime();
        while (running) {
            String c = classify.apply(target.getStackTrace());
            synchronized (counts) {
                counts.merge(c, 1L, Long::sum);
            }
            next += periodNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Samples per category so far. */
    public Map<String, Long> counts() {
        synchronized (counts) {
            return new LinkedHashMap<>(counts);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            sampler.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
