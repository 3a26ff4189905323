package dev.topiary.cli;

import dev.topiary.backend.Backend;
import dev.topiary.backend.BackendChoice;
import dev.topiary.backend.Backends;
import dev.topiary.backend.cpu.CpuBackend;
import picocli.CommandLine.Option;

/** The backend options every command that computes shares. */
final class BackendOptions {

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto", description = "auto (CUDA when a usable "
            + "GPU and kernels are present, else the CPU, saying why), cpu, cuda (fails without a GPU) or reference "
            + "(float64, slow). Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads of the CPU backend (default: every "
            + "core).")
    Integer threads;

    Backend open() {
        BackendChoice choice = BackendChoice.parse(backend);
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("--threads " + threads + " must be ≥ 1");
        }
        if (choice == BackendChoice.CPU && threads != null) {
            return new CpuBackend(threads);
        }
        Backend b = Backends.open(choice);
        if (threads != null && b instanceof CpuBackend) {
            b.close();
            return new CpuBackend(threads);
        }
        return b;
    }
}
