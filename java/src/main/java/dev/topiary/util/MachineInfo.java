package dev.topiary.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** What the machine is, for {@code topiary info}, run provenance and benchmark records. Never throws. */
public final class MachineInfo {
    private static final Set<String> INTERESTING_FLAGS = Set.of("avx2", "fma", "avx512f", "avx512bw", "avx512vl",
            "avx512_bf16", "avx512_vnni", "amx_tile", "asimd", "sve");

    private MachineInfo() {
    }

    /** The CPU model name from /proc/cpuinfo, or the OS architecture when unknown. */
    public static String cpuModel() {
        for (String line : cpuinfo()) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return System.getProperty("os.arch");
    }

    /** The SIMD-related CPU feature flags the kernels care about, in /proc/cpuinfo order. */
    public static List<String> simdFlags() {
        for (String line : cpuinfo()) {
            if (line.startsWith("flags") || line.startsWith("Features")) {
                List<String> out = new ArrayList<>();
                for (String f : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
                    if (INTERESTING_FLAGS.contains(f)) {
                        out.add(f);
                    }
                }
                return out;
            }
        }
        return List.of();
    }

    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Total physical memory in GiB from /proc/meminfo, or −1. */
    public static double memoryGiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    public static String jdk() {
        return System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version");
    }

    public static String os() {
        return System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch");
    }

    private static List<String> cpuinfo() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
