package dev.topiary.backend.kernel;

import dev.topiary.backend.Backend;
import dev.topiary.backend.DType;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;

import java.util.ArrayList;
import java.util.List;

/** Device tensors freed together when the arena closes. */
final class KernelArena implements TensorArena {
    private final Backend backend;
    private final Device device;
    private final List<Long> pointers = new ArrayList<>();
    private boolean closed;

    KernelArena(Backend backend, Device device) {
        this.backend = backend;
        this.device = device;
    }

    @Override
    public synchronized Tensor allocate(DType dtype, int rows, int cols) {
        if (closed) {
            throw new IllegalStateException("this arena is closed; allocate from a new one");
        }
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("cannot allocate " + dtype + "[" + rows + "×" + cols + "]");
        }
        long ptr = device.alloc(Math.max(1L, (long) rows * cols * dtype.bytes));
        pointers.add(ptr);
        return new KernelTensor(backend, device, dtype, rows, cols, ptr);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        device.sync();
        for (long p : pointers) {
            device.free(p);
        }
        pointers.clear();
    }
}
