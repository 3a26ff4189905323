package dev.topiary.backend;

import dev.topiary.backend.cpu.CpuBackend;
import dev.topiary.backend.ref.ReferenceBackend;

import java.util.function.Consumer;

/**
 * Opens a backend by choice. {@code AUTO} never throws: without a usable GPU it falls back to the CPU and reports
 * the probe's reasons once through {@code warn}. An explicit {@code CUDA} choice fails fast with those reasons.
 */
public final class Backends {
    private Backends() {
    }

    public static Backend open(BackendChoice choice) {
        return open(choice, msg -> System.err.println("WARNING: " + msg));
    }

    public static Backend open(BackendChoice choice, Consumer<String> warn) {
        dev.topiary.JvmFlags.check();
        return switch (choice) {
            case CPU -> new CpuBackend();
            case REFERENCE -> new ReferenceBackend();
            case CUDA -> {
                GpuProbe.Result r = GpuProbe.probe();
                if (!r.available()) {
                    throw new IllegalStateException("--backend cuda: no usable GPU: " + String.join("; ", r.reasons())
                            + ". Use --backend cpu (or auto) on this machine.");
                }
                yield dev.topiary.backend.cuda.CudaSupport.open(0);
            }
            case AUTO -> {
                GpuProbe.Result r = GpuProbe.probe();
                if (r.available()) {
                    try {
                        yield dev.topiary.backend.cuda.CudaSupport.open(0);
                    } catch (RuntimeException e) {
                        warn.accept("the GPU is present but the CUDA backend failed to open (" + e.getMessage()
                                + "); using the CPU backend");
                        yield new CpuBackend();
                    }
                }
                warn.accept("using the CPU backend: " + String.join("; ", r.reasons()));
                yield new CpuBackend();
            }
        };
    }
}
