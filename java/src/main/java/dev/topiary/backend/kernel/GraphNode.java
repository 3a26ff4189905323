package dev.topiary.backend.kernel;

import java.util.Arrays;

/**
 * One recorded stream operation of a graphed step: a kernel launch (its configuration and arguments, by value, as a
 * CUDA graph's kernel node holds them), a device-to-device copy or a memset to zero.
 */
public record GraphNode(Kind kind, Kernel kernel, Launch launch, Object[] args, long src, long dst, long bytes) {

    public enum Kind { KERNEL, COPY, MEMSET }

    static GraphNode kernel(Kernel kernel, Launch launch, Object[] args) {
        return new GraphNode(Kind.KERNEL, kernel, launch, args.clone(), 0, 0, 0);
    }

    static GraphNode copy(long src, long dst, long bytes) {
        return new GraphNode(Kind.COPY, null, null, null, src, dst, bytes);
    }

    static GraphNode memset(long dst, long bytes) {
        return new GraphNode(Kind.MEMSET, null, null, null, 0, dst, bytes);
    }

    /**
     * Whether {@code o} can replace this node in an instantiated graph by a parameter update: the same kernel (a
     * kernel node's function stays), or the very same copy or memset (their nodes are rebuilt, not updated).
     */
    boolean sameStructure(GraphNode o) {
        return kind == o.kind && switch (kind) {
            case KERNEL -> kernel.equals(o.kernel);
            case COPY -> src == o.src && dst == o.dst && bytes == o.bytes;
            case MEMSET -> dst == o.dst && bytes == o.bytes;
        };
    }

    /** Whether a graph holding this node runs {@code o} without an update: same launch and argument values. */
    boolean sameParameters(GraphNode o) {
        return kind != Kind.KERNEL || launch.equals(o.launch) && Arrays.equals(args, o.args);
    }

    /** Runs the node on {@code device} at once (queued on its stream). */
    void runOn(Device device) {
        switch (kind) {
            case KERNEL -> device.launch(kernel, launch, args);
            case COPY -> device.copyOnDevice(src, dst, bytes);
            case MEMSET -> device.memsetZero(dst, bytes);
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case KERNEL -> kernel.name() + " " + launch + " " + Arrays.toString(args);
            case COPY -> "copy " + bytes + " B";
            case MEMSET -> "memset " + bytes + " B";
        };
    }
}
