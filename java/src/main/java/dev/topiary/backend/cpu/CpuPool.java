package dev.topiary.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of worker threads that run the tasks {@code 0 .. n−1} of one job at a time, the calling thread
 * included. Tasks are claimed dynamically, so which thread runs a task varies; ops keep results deterministic by
 * giving every task a fixed, disjoint piece of the output and by combining partial results in task order.
 *
 * <p>Workers spin briefly before parking, because training issues many short jobs back to back and a park/unpark
 * round trip costs tens of microseconds.
 */
public final class CpuPool implements AutoCloseable {
    private static final int SPINS = 20_000;

    private final Thread[] workers;
    private volatile Job job;
    private volatile boolean closed;

    public CpuPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("CPU backend threads = " + threads + " must be ≥ 1");
        }
        workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = Thread.ofPlatform().daemon().name("topiary-cpu-" + (i + 1)).unstarted(this::workerLoop);
            workers[i].start();
        }
    }

    /** Number of threads that run tasks, the caller included. */
    public int threads() {
        return workers.length + 1;
    }

    /** Runs {@code body.accept(i)} for every i in [0, tasks), in parallel, and returns when all have finished. */
    public synchronized void run(int tasks, IntConsumer body) {
        if (tasks <= 0) {
            return;
        }
        if (tasks == 1 || workers.length == 0 || Thread.currentThread().getName().startsWith("topiary-cpu-")) {
            for (int i = 0; i < tasks; i++) {
                body.accept(i);
            }
            return;
        }
        Job j = new Job(tasks, body);
        job = j;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        j.work();
        while (j.completed.get() < tasks) {
            Thread.onSpinWait();
        }
        Throwable t = j.failure.get();
        if (t != null) {
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(t);
        }
    }

    private void workerLoop() {
        Job seen = null;
        while (!closed) {
            Job j = job;
            if (j != null && j != seen) {
                seen = j;
                j.work();
                continue;
            }
            boolean found = false;
            for (int s = 0; s < SPINS; s++) {
                if (job != seen || closed) {
                    found = true;
                    break;
                }
                Thread.onSpinWait();
            }
            if (!found) {
                LockSupport.park(this);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }

    private static final class Job {
        final int tasks;
        final IntConsumer body;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger completed = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(int tasks, IntConsumer body) {
            this.tasks = tasks;
            this.body = body;
        }

        void work() {
            int i;
            while ((i = next.getAndIncrement()) < tasks) {
                try {
                    if (failure.get() == null) {
                        body.accept(i);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    completed.incrementAndGet();
                }
            }
        }
    }
}
