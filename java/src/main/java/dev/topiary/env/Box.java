package dev.topiary.env;

import java.util.Arrays;

/**
 * A box of real arrays, as Gymnasium's {@code Box(low, high, shape)}: each element lies in {@code [low[i], high[i]]},
 * where a bound may be infinite. Values are flat row-major {@code double[]} of {@link #flatSize()} elements; the
 * shape says how to read them (a vector of 17, an image 3×84×84).
 */
public final class Box implements Space {
    private final int[] shape;
    private final double[] low;
    private final double[] high;

    /** A box with per-element bounds ({@code low.length} = product of {@code shape}). */
    public Box(double[] low, double[] high, int... shape) {
        int size = 1;
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("Box shape " + Arrays.toString(shape) + " has a dimension < 1");
            }
            size = Math.multiplyExact(size, d);
        }
        if (low.length != size || high.length != size) {
            throw new IllegalArgumentException("Box bounds have " + low.length + " and " + high.length
                    + " elements but shape " + Arrays.toString(shape) + " needs " + size);
        }
        for (int i = 0; i < size; i++) {
            if (Double.isNaN(low[i]) || Double.isNaN(high[i]) || low[i] > high[i]) {
                throw new IllegalArgumentException("Box bound " + i + " is [" + low[i] + ", " + high[i] + "]");
            }
        }
        this.shape = shape.clone();
        this.low = low.clone();
        this.high = high.clone();
    }

    /** A vector box {@code [low[i], high[i]]} of {@code low.length} elements. */
    public static Box of(double[] low, double[] high) {
        return new Box(low, high, low.length);
    }

    /** A box with the same bounds for every element. */
    public static Box uniform(double low, double high, int... shape) {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        double[] lo = new double[size];
        double[] hi = new double[size];
        Arrays.fill(lo, low);
        Arrays.fill(hi, high);
        return new Box(lo, hi, shape);
    }

    public int[] shape() {
        return shape.clone();
    }

    @Override
    public int flatSize() {
        return low.length;
    }

    public double low(int i) {
        return low[i];
    }

    public double high(int i) {
        return high[i];
    }

    /** True when every element has two finite bounds (the case of every continuous action space here). */
    public boolean isBounded() {
        for (int i = 0; i < low.length; i++) {
            if (Double.isInfinite(low[i]) || Double.isInfinite(high[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean contains(double[] value) {
        if (value == null || value.length != low.length) {
            return false;
        }
        for (int i = 0; i < value.length; i++) {
            if (!(value[i] >= low[i] && value[i] <= high[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Gymnasium's scheme per element: uniform on a bounded interval, a standard normal when unbounded on both sides,
     * {@code low + Exp(1)} or {@code high − Exp(1)} when bounded on one side.
     */
    @Override
    public double[] sample(Rng rng) {
        double[] v = new double[low.length];
        for (int i = 0; i < v.length; i++) {
            boolean below = !Double.isInfinite(low[i]);
            boolean above = !Double.isInfinite(high[i]);
            if (below && above) {
                v[i] = rng.uniform(low[i], high[i]);
            } else if (below) {
                v[i] = low[i] + rng.exponential();
            } else if (above) {
                v[i] = high[i] - rng.exponential();
            } else {
                v[i] = rng.normal();
            }
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Box b && Arrays.equals(shape, b.shape) && Arrays.equals(low, b.low)
                && Arrays.equals(high, b.high);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(shape) + Arrays.hashCode(low)) + Arrays.hashCode(high);
    }

    @Override
    public String toString() {
        boolean same = true;
        for (int i = 1; i < low.length; i++) {
            same &= low[i] == low[0] && high[i] == high[0];
        }
        String bounds = same ? low[0] + ", " + high[0] : Arrays.toString(low) + ", " + Arrays.toString(high);
        return "Box(" + bounds + ", " + Arrays.toString(shape) + ")";
    }
}
