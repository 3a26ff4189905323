package dev.topiary.backend.ref;

import dev.topiary.backend.Backend;
import dev.topiary.backend.DType;
import dev.topiary.backend.Tensor;

/**
 * A reference tensor: every element is a Java double whatever the dtype, so the oracle computes and keeps results
 * in float64. Integer and mask dtypes hold whole numbers.
 */
public final class RefTensor extends Tensor {
    /** The elements, row-major; public to the reference ops for readable code. */
    final double[] d;

    RefTensor(Backend backend, DType dtype, int rows, int cols) {
        super(backend, dtype, rows, cols);
        this.d = new double[Math.toIntExact((long) rows * cols)];
    }

    static double[] d(Tensor t) {
        return t == null ? null : ((RefTensor) t).d;
    }

    @Override
    public void copyFrom(double[] src) {
        checkLength(src.length);
        for (int i = 0; i < src.length; i++) {
            d[i] = switch (dtype()) {
                case F64 -> src[i];
                case F32 -> (float) src[i];
                case I32 -> (int) src[i];
                case U8 -> ((int) src[i]) & 0xFF;
            };
        }
    }

    @Override
    public void copyTo(double[] dst) {
        checkLength(dst.length);
        System.arraycopy(d, 0, dst, 0, d.length);
    }
}
