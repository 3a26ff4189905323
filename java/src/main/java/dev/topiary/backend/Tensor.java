package dev.topiary.backend;

/**
 * A two-dimensional row-major array in memory owned by a backend (off-heap on the CPU, device memory on a GPU).
 *
 * <p>Every tensor has a shape {@code rows × cols}; a vector is {@code 1 × n} and a scalar {@code 1 × 1}. A tensor
 * lives until the {@link TensorArena} that made it is closed. Host transfers ({@code copyFrom}, {@code copyTo}) wait
 * for queued work and are meant for set-up, logging and tests, not for hot loops.
 */
public abstract class Tensor {
    private final Backend backend;
    private final DType dtype;
    private final int rows;
    private final int cols;

    protected Tensor(Backend backend, DType dtype, int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("tensor shape " + rows + "×" + cols + " has a negative dimension");
        }
        this.backend = backend;
        this.dtype = dtype;
        this.rows = rows;
        this.cols = cols;
    }

    public final Backend backend() {
        return backend;
    }

    public final DType dtype() {
        return dtype;
    }

    public final int rows() {
        return rows;
    }

    public final int cols() {
        return cols;
    }

    /** Number of elements, {@code rows · cols}. */
    public final long size() {
        return (long) rows * cols;
    }

    /** True when this tensor has the same shape as {@code other}. */
    public final boolean sameShape(Tensor other) {
        return rows == other.rows && cols == other.cols;
    }

    /** "F32[256×1024]", as error messages print it. */
    public final String describe() {
        return dtype + "[" + rows + "×" + cols + "]";
    }

    @Override
    public String toString() {
        return describe();
    }

    // --- host transfers: element counts must match exactly; values convert as a Java cast would.

    /** Copies {@code src} (row-major, length {@link #size()}) into this tensor, converting to its dtype. */
    public abstract void copyFrom(double[] src);

    /** Copies this tensor into {@code dst} (length {@link #size()}) as doubles. Waits for queued work. */
    public abstract void copyTo(double[] dst);

    public void copyFrom(float[] src) {
        double[] d = new double[src.length];
        for (int i = 0; i < src.length; i++) {
            d[i] = src[i];
        }
        copyFrom(d);
    }

    public void copyFrom(int[] src) {
        double[] d = new double[src.length];
        for (int i = 0; i < src.length; i++) {
            d[i] = src[i];
        }
        copyFrom(d);
    }

    public void copyFrom(byte[] src) {
        double[] d = new double[src.length];
        for (int i = 0; i < src.length; i++) {
            d[i] = src[i] & 0xFF;
        }
        copyFrom(d);
    }

    public void copyTo(float[] dst) {
        double[] d = toDoubles();
        checkLength(dst.length);
        for (int i = 0; i < d.length; i++) {
            dst[i] = (float) d[i];
        }
    }

    public void copyTo(int[] dst) {
        double[] d = toDoubles();
        checkLength(dst.length);
        for (int i = 0; i < d.length; i++) {
            dst[i] = (int) d[i];
        }
    }

    public void copyTo(byte[] dst) {
        double[] d = toDoubles();
        checkLength(dst.length);
        for (int i = 0; i < d.length; i++) {
            dst[i] = (byte) (int) d[i];
        }
    }

    public final double[] toDoubles() {
        double[] d = new double[Math.toIntExact(size())];
        copyTo(d);
        return d;
    }

    public final float[] toFloats() {
        float[] f = new float[Math.toIntExact(size())];
        copyTo(f);
        return f;
    }

    public final int[] toInts() {
        int[] a = new int[Math.toIntExact(size())];
        copyTo(a);
        return a;
    }

    public final byte[] toBytes() {
        byte[] a = new byte[Math.toIntExact(size())];
        copyTo(a);
        return a;
    }

    /** The single value of a {@code 1 × 1} tensor, as a double. */
    public final double scalar() {
        if (size() != 1) {
            throw new IllegalStateException("scalar() needs a 1×1 tensor, this is " + describe());
        }
        return toDoubles()[0];
    }

    protected final void checkLength(int length) {
        if (length != size()) {
            throw new IllegalArgumentException("host array of length " + length + " does not match tensor "
                    + describe() + " (" + size() + " elements)");
        }
    }
}
