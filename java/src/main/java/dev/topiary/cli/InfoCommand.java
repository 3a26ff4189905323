package dev.topiary.cli;

import dev.topiary.backend.GpuProbe;
import dev.topiary.backend.cpu.CpuBackend;
import dev.topiary.env.mujoco.Mujoco;
import dev.topiary.env.mujoco.MujocoTasks;
import dev.topiary.util.MachineInfo;
import jdk.incubator.vector.FloatVector;
import picocli.CommandLine.Command;

import java.nio.file.Path;
import java.util.Locale;

/** {@code topiary info}: what this machine offers each backend, and why a GPU is or is not used. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Prints the machine, the CPU backend's vector width and threads, and the GPU probe: the card, "
                + "driver and memory when a GPU is usable, otherwise every reason it is not; and MuJoCo: the library, "
                + "its version and struct layout, and the humanoid model, or how to install them."})
final class InfoCommand implements Runnable {

    @Override
    public void run() {
        System.out.println(new Version().getVersion()[0]);
        System.out.println();
        System.out.println("Machine");
        row("OS", MachineInfo.os());
        row("JDK", MachineInfo.jdk());
        row("CPU", MachineInfo.cpuModel());
        row("cores", Integer.toString(MachineInfo.cores()));
        row("memory", String.format(Locale.ROOT, "%.1f GiB", MachineInfo.memoryGiB()));
        row("SIMD flags", String.join(" ", MachineInfo.simdFlags()));
        System.out.println();
        System.out.println("CPU backend");
        row("vector species", FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit, "
                + FloatVector.SPECIES_PREFERRED.length() + " float lanes");
        try (CpuBackend cpu = new CpuBackend()) {
            row("backend", cpu.description());
            row("compact layout", String.format(Locale.ROOT, "below density %.2f", cpu.compactBelowDensity()));
        }
        System.out.println();
        System.out.println("GPU");
        GpuProbe.Result gpu = GpuProbe.probe();
        if (gpu.available()) {
            row("device", gpu.device());
        } else {
            row("status", "not used; --backend auto falls back to the CPU because:");
            for (String reason : gpu.reasons()) {
                System.out.println("    - " + reason);
            }
        }
        System.out.println();
        System.out.println("MuJoCo");
        mujoco();
    }

    private static void mujoco() {
        try {
            Mujoco mj = Mujoco.get();
            row("library", mj.library() + " (MuJoCo " + mj.versionString() + ")");
            row("struct layout", mj.layoutSource());
        } catch (IllegalStateException e) {
            row("status", "MuJoCo tasks unavailable: " + e.getMessage());
            return;
        }
        try {
            row("humanoid", MujocoTasks.debianHumanoid() + " (humanoid-stand, -walk, -run)");
        } catch (IllegalStateException e) {
            row("humanoid", e.getMessage());
        }
        try {
            Path dog = MujocoTasks.dmControlModel("dog.xml");
            row("dm_control", dog.getParent().getParent() + " (dm_control/humanoid-*, dm_control/dog-*)");
        } catch (IllegalStateException e) {
            row("dm_control", e.getMessage());
        }
    }

    private static void row(String key, String value) {
        System.out.printf(Locale.ROOT, "  %-16s %s%n", key, value);
    }
}
