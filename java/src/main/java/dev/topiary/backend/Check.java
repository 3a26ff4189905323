package dev.topiary.backend;

/**
 * Argument checks shared by every backend, so each op rejects bad input with the same message everywhere: the op's
 * name, the offending tensors' shapes, and what was expected.
 */
public final class Check {
    private Check() {
    }

    public static IllegalArgumentException fail(String op, String message) {
        return new IllegalArgumentException(op + ": " + message);
    }

    public static void notNull(String op, String name, Object value) {
        if (value == null) {
            throw fail(op, name + " is null");
        }
    }

    public static void dtype(String op, String name, Tensor t, DType expected) {
        notNull(op, name, t);
        if (t.dtype() != expected) {
            throw fail(op, name + " is " + t.describe() + " but must be " + expected);
        }
    }

    public static void shape(String op, String name, Tensor t, int rows, int cols) {
        notNull(op, name, t);
        if (t.rows() != rows || t.cols() != cols) {
            throw fail(op, name + " is " + t.describe() + " but must be [" + rows + "×" + cols + "]");
        }
    }

    public static void f32(String op, String name, Tensor t, int rows, int cols) {
        dtype(op, name, t, DType.F32);
        shape(op, name, t, rows, cols);
    }

    public static void sameShape(String op, String nameA, Tensor a, String nameB, Tensor b) {
        notNull(op, nameA, a);
        notNull(op, nameB, b);
        if (!a.sameShape(b)) {
            throw fail(op, nameA + " is " + a.describe() + " but " + nameB + " is " + b.describe()
                    + "; they must have the same shape");
        }
    }

    public static void sameF32(String op, String nameA, Tensor a, String nameB, Tensor b) {
        dtype(op, nameA, a, DType.F32);
        dtype(op, nameB, b, DType.F32);
        sameShape(op, nameA, a, nameB, b);
    }

    public static void scalar(String op, String name, Tensor t, DType dtype) {
        dtype(op, name, t, dtype);
        shape(op, name, t, 1, 1);
    }

    public static void range(String op, String name, long value, long lo, long hi) {
        if (value < lo || value > hi) {
            throw fail(op, name + " = " + value + " is outside [" + lo + ", " + hi + "]");
        }
    }

    public static void positive(String op, String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw fail(op, name + " = " + value + " must be positive and finite");
        }
    }

    public static void finite(String op, String name, double value) {
        if (!Double.isFinite(value)) {
            throw fail(op, name + " = " + value + " must be finite");
        }
    }

    public static void owned(String op, Backend backend, Tensor... tensors) {
        for (Tensor t : tensors) {
            if (t != null && t.backend() != backend) {
                throw fail(op, "tensor " + t.describe() + " belongs to backend '" + t.backend().name()
                        + "', not to '" + backend.name() + "'; copy it through the host first");
            }
        }
    }

    public static void distinct(String op, String nameA, Tensor a, String nameB, Tensor b) {
        if (a != null && a == b) {
            throw fail(op, nameA + " and " + nameB + " must be different tensors (this op cannot run in place)");
        }
    }
}
