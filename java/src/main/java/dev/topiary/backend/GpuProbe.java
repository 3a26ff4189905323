package dev.topiary.backend;

import java.util.List;

/**
 * Whether a CUDA backend can run here. The probe never throws: it returns {@link Result#available()} or the exact
 * reasons it cannot, which {@code topiary info} prints and {@code --backend auto} logs once before falling back.
 * The result is computed once per JVM.
 */
public final class GpuProbe {

    /** Outcome of the probe: a device description when available, otherwise the reasons. */
    public record Result(boolean available, String device, List<String> reasons) {
        static Result unavailable(List<String> reasons) {
            return new Result(false, "", List.copyOf(reasons));
        }
    }

    private static final class Holder {
        // Computed in a holder so merely loading GpuProbe never touches native code.
        static final Result RESULT = compute();
    }

    private GpuProbe() {
    }

    public static Result probe() {
        return Holder.RESULT;
    }

    private static Result compute() {
        if (Boolean.getBoolean("topiary.gpu.disable")) {
            return Result.unavailable(List.of("disabled by -Dtopiary.gpu.disable=true"));
        }
        List<String> reasons = new java.util.ArrayList<>();
        try {
            String device = dev.topiary.backend.cuda.CudaSupport.probe(reasons);
            if (device != null) {
                return new Result(true, device, List.of());
            }
        } catch (Throwable t) {
            // LinkageError, ExceptionInInitializerError, CudaException...: the probe must never throw.
            reasons.add("CUDA probe failed: " + t);
        }
        return Result.unavailable(reasons);
    }
}
