package dev.topiary.backend.cpu;

import dev.topiary.backend.Backend;
import dev.topiary.backend.DType;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Off-heap tensors freed together; shared so the pool's threads may read and write them. */
final class CpuArena implements TensorArena {
    private final Backend backend;
    private final Arena arena = Arena.ofShared();

    CpuArena(Backend backend) {
        this.backend = backend;
    }

    @Override
    public Tensor allocate(DType dtype, int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("cannot allocate " + dtype + "[" + rows + "×" + cols + "]");
        }
        long bytes = Math.max(1L, (long) rows * cols * dtype.bytes);
        MemorySegment seg = arena.allocate(bytes, 64).reinterpret((long) rows * cols * dtype.bytes);
        return new CpuTensor(backend, dtype, rows, cols, seg);
    }

    @Override
    public void close() {
        arena.close();
    }
}
