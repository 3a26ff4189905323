package dev.topiary.nn;

import dev.topiary.backend.Backend;
import dev.topiary.backend.cpu.CpuBackend;

/**
 * Backends shared by the network, sparsity, diagnostics and checkpoint tests: the CPU backend on one thread (the
 * fastest for these small networks, and the least disturbed by a busy machine) and on every core (for determinism).
 */
public final class TestBackends {
    private static final Backend CPU_1 = new CpuBackend(1);
    private static final Backend CPU_ALL = new CpuBackend(2);

    private TestBackends() {
    }

    /** The CPU backend on one thread. */
    public static Backend cpu() {
        return CPU_1;
    }

    /** The CPU backend on two threads: results must be bit-identical to {@link #cpu()}. */
    public static Backend cpuParallel() {
        return CPU_ALL;
    }
}
