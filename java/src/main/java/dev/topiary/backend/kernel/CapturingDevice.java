package dev.topiary.backend.kernel;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The device as the kernel backend's ops see it: it forwards to the real device, except inside a graphed step
 * ({@link KernelBackend#graphed}), where launches, device copies and memsets are recorded instead. Anything that
 * touches the host or the allocator (a host copy, a sync, an allocation or a free) first submits what was recorded
 * as one graph segment ({@link StepGraphs}), so the device sees exactly the eager order and the result is
 * identical; a step without such calls is one segment, one graph launch.
 */
final class CapturingDevice implements Device {
    /** {@code -Dtopiary.graphs.trace=true} prints where each segment of a graphed step ends (what split it). */
    private static final boolean TRACE = Boolean.getBoolean("topiary.graphs.trace");

    private final Device inner;
    private final StepGraphs graphs;
    private final List<GraphNode> pending = new ArrayList<>();
    private String key;
    private int segment;

    CapturingDevice(Device inner, StepGraphs graphs) {
        this.inner = inner;
        this.graphs = graphs;
    }

    Device inner() {
        return inner;
    }

    boolean recording() {
        return key != null;
    }

    void begin(String stepKey) {
        key = stepKey;
        segment = 0;
        pending.clear();
    }

    /** Submits the last segment and leaves recording mode; after a failure, drops what was not submitted. */
    void end(boolean submit) {
        try {
            if (submit) {
                flush();
            }
        } finally {
            key = null;
            pending.clear();
        }
    }

    private void flush() {
        if (key != null && TRACE) {
            new Throwable("graphed step " + key + ": segment " + segment + " ends here").printStackTrace(System.out);
        }
        if (key != null && !pending.isEmpty()) {
            graphs.submit(inner, key, segment++, pending);
            pending.clear();
        }
    }

    @Override
    public String description() {
        return inner.description();
    }

    @Override
    public long alloc(long bytes) {
        flush();
        return inner.alloc(bytes);
    }

    @Override
    public void free(long ptr) {
        flush();
        inner.free(ptr);
    }

    @Override
    public void copyToDevice(MemorySegment host, long dst, long bytes) {
        flush();
        inner.copyToDevice(host, dst, bytes);
    }

    @Override
    public void copyToHost(long src, MemorySegment host, long bytes) {
        flush();
        inner.copyToHost(src, host, bytes);
    }

    @Override
    public void copyOnDevice(long src, long dst, long bytes) {
        if (key != null) {
            pending.add(GraphNode.copy(src, dst, bytes));
        } else {
            inner.copyOnDevice(src, dst, bytes);
        }
    }

    @Override
    public void memsetZero(long ptr, long bytes) {
        if (key != null) {
            pending.add(GraphNode.memset(ptr, bytes));
        } else {
            inner.memsetZero(ptr, bytes);
        }
    }

    @Override
    public void launch(Kernel kernel, Launch launch, Object... args) {
        if (key != null) {
            pending.add(GraphNode.kernel(kernel, launch, args));
        } else {
            inner.launch(kernel, launch, args);
        }
    }

    @Override
    public DeviceGraph instantiate(List<GraphNode> nodes) {
        return inner.instantiate(nodes);
    }

    @Override
    public void sync() {
        flush();
        inner.sync();
    }

    @Override
    public void close() {
        graphs.close();
        inner.close();
    }
}
