package dev.topiary.backend.kernel;

import java.util.List;

/**
 * A kernel's name (its {@code extern "C"} symbol in {@code kernels/*.cu}) and parameter types, declared once and used
 * by every device: the CUDA driver looks the name up in the fatbin, the emulator binds {@code emu_launch_<name>}.
 */
public record Kernel(String name, List<ArgType> args) {

    public static Kernel of(String name, ArgType... args) {
        return new Kernel(name, List.of(args));
    }
}
