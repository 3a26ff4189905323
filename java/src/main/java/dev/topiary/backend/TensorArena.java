package dev.topiary.backend;

/**
 * Allocates tensors that live until {@link #close()}. Arenas are the only way to get backend memory, so every
 * buffer has an explicit lifetime; allocate once, outside hot loops. New tensors are zero-filled.
 */
public interface TensorArena extends AutoCloseable {

    Tensor allocate(DType dtype, int rows, int cols);

    default Tensor f32(int rows, int cols) {
        return allocate(DType.F32, rows, cols);
    }

    default Tensor f64(int rows, int cols) {
        return allocate(DType.F64, rows, cols);
    }

    default Tensor i32(int rows, int cols) {
        return allocate(DType.I32, rows, cols);
    }

    default Tensor u8(int rows, int cols) {
        return allocate(DType.U8, rows, cols);
    }

    /** A float tensor holding {@code values} ({@code rows · cols} of them, row-major). */
    default Tensor f32(int rows, int cols, float[] values) {
        Tensor t = f32(rows, cols);
        t.copyFrom(values);
        return t;
    }

    /** Frees every tensor of this arena; using one afterwards is an error. */
    @Override
    void close();
}
