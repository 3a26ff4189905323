package dev.topiary.bench;

import dev.topiary.backend.Backend;
import dev.topiary.backend.BackendChoice;
import dev.topiary.backend.Backends;
import dev.topiary.backend.GpuProbe;
import dev.topiary.backend.cpu.CpuBackend;
import dev.topiary.backend.kernel.EmuDevice;
import dev.topiary.backend.kernel.KernelBackend;

import java.util.List;

/**
 * The backend the benchmarks run on, chosen by {@code topiary bench --backend} and handed to every JMH fork as
 * {@value #PROPERTY}: {@code cpu} (the default), {@code cuda}, or {@code emulated} (the kernels under the CPU
 * emulation of CUDA: slow, it measures nothing, but it runs the GPU benchmarks' code paths on a machine without a
 * GPU).
 */
final class BenchBackend {
    static final String PROPERTY = "topiary.bench.backend";
    static final List<String> NAMES = List.of("cpu", "cuda", "emulated");

    private BenchBackend() {
    }

    static String name() {
        return System.getProperty(PROPERTY, "cpu");
    }

    static boolean onCpu() {
        return name().equals("cpu");
    }

    static Backend open() {
        return switch (name()) {
            case "cpu" -> new CpuBackend();
            case "cuda" -> Backends.open(BackendChoice.CUDA);
            case "emulated" -> KernelBackend.emulated(256);
            default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + name() + ": use one of " + NAMES);
        };
    }

    /**
     * Fails fast, before JMH starts a fork, when the chosen backend cannot open here: {@code --backend cuda}
     * without a usable GPU names the probe's reasons.
     */
    static void checkUsable(String name) {
        switch (name) {
            case "cpu" -> {
            }
            case "cuda" -> {
                GpuProbe.Result gpu = GpuProbe.probe();
                if (!gpu.available()) {
                    throw new IllegalStateException("--backend cuda: no usable GPU: " + String.join("; ",
                            gpu.reasons()) + ". Use --backend cpu on this machine.");
                }
            }
            case "emulated" -> {
                if (EmuDevice.configuredLibrary() == null) {
                    throw new IllegalStateException("--backend emulated needs -D" + EmuDevice.LIBRARY_PROPERTY
                            + "=<path to libtopiary_emu.so> (built by ./mvnw test-compile in java/target/native)");
                }
            }
            default -> throw new IllegalArgumentException("unknown backend '" + name + "'; use one of " + NAMES);
        }
    }
}
