package dev.topiary.cli;

import dev.topiary.backend.Backend;
import dev.topiary.backend.BackendChoice;
import dev.topiary.backend.Backends;
import dev.topiary.backend.cpu.CpuBackend;
import dev.topiary.backend.kernel.KernelBackend;
import dev.topiary.backend.kernel.KernelBlas;
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

    @Option(names = "--tf32", description = "CUDA backend: run every GEMM on TF32 tensor cores (sm_80 and newer; "
            + "inputs rounded to 10 mantissa bits). Off by default: fp32, as the recorded baselines. The run's "
            + "provenance says which.")
    boolean tf32;

    @Option(names = "--no-graphs", description = "CUDA backend: launch every op of a training step on its own "
            + "instead of replaying the step as a CUDA graph (the default). Results are identical; use it to compare "
            + "speed or to find a failing kernel.")
    boolean noGraphs;

    Backend open() {
        Backend b = openBackend();
        if (b instanceof KernelBackend k) {
            k.useGraphs(!noGraphs);
            ((KernelBlas) k.blas()).setTf32(tf32);
        } else if (tf32) {
            String name = b.name();
            b.close();
            throw new IllegalArgumentException("--tf32 applies to the CUDA backend, but this run uses " + name
                    + "; drop --tf32 or pass --backend cuda");
        }
        return b;
    }

    private Backend openBackend() {
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
