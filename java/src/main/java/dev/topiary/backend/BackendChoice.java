package dev.topiary.backend;

/** Which backend to open: the best available ({@code AUTO}), or one named explicitly. */
public enum BackendChoice {
    /** CUDA when a usable GPU and the kernels are present, else the CPU, with one warning saying why. */
    AUTO,
    CPU,
    CUDA,
    /** The float64 oracle: slow, for tests and debugging. */
    REFERENCE;

    public static BackendChoice parse(String s) {
        for (BackendChoice c : values()) {
            if (c.name().equalsIgnoreCase(s)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown backend '" + s + "'; use auto, cpu, cuda or reference");
    }
}
