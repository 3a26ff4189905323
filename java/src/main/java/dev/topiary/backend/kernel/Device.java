package dev.topiary.backend.kernel;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Where the project's kernels run: a CUDA GPU through the driver API, or the CPU emulation of the CUDA execution
 * model. Memory is addressed by 64-bit device pointers. Launches and copies are ordered on one stream; copies to
 * the host wait for what was queued before them.
 */
public interface Device extends AutoCloseable {

    /** One line: the card, driver and compute capability, or "emulated kernels (...)". */
    String description();

    /** Allocates {@code bytes} of zero-filled device memory. */
    long alloc(long bytes);

    void free(long ptr);

    void copyToDevice(MemorySegment host, long dst, long bytes);

    void copyToHost(long src, MemorySegment host, long bytes);

    void copyOnDevice(long src, long dst, long bytes);

    void memsetZero(long ptr, long bytes);

    /**
     * Queues {@code kernel} with {@code args} (Long for PTR and I64, Integer, Float, Double, in the kernel's order).
     * Errors name the kernel and the launch configuration.
     */
    void launch(Kernel kernel, Launch launch, Object... args);

    /**
     * An executable graph of {@code nodes} (kernel launches, device copies and memsets, in stream order), for
     * replaying a training step without a launch per op. By default the nodes are re-run one by one.
     */
    default DeviceGraph instantiate(List<GraphNode> nodes) {
        return new DeviceGraph.Replayed(this, nodes);
    }

    /** Waits for everything queued. */
    void sync();

    @Override
    void close();
}
