package dev.topiary.env;

/**
 * The integers {@code start, start+1, ..., start+n−1}, as Gymnasium's {@code Discrete(n, start)}. A value travels
 * as a one-element {@code double[]} holding the integer.
 *
 * @param n     number of values, ≥ 1
 * @param start the first value (0 for every registered task)
 */
public record Discrete(int n, int start) implements Space {

    public Discrete {
        if (n < 1) {
            throw new IllegalArgumentException("Discrete space needs n ≥ 1, got " + n);
        }
    }

    /** {@code Discrete(n)}: the values 0 .. n−1. */
    public Discrete(int n) {
        this(n, 0);
    }

    @Override
    public int flatSize() {
        return 1;
    }

    @Override
    public boolean contains(double[] value) {
        if (value == null || value.length != 1) {
            return false;
        }
        double v = value[0];
        return v == Math.rint(v) && v >= start && v < (double) start + n;
    }

    /** The index (0-based) of a valid value, or an exception naming the space. */
    public int index(double[] value) {
        if (!contains(value)) {
            throw new IllegalArgumentException("action " + java.util.Arrays.toString(value) + " is not in " + this
                    + "; pass one integer in [" + start + ", " + (start + n - 1) + "]");
        }
        return (int) value[0] - start;
    }

    @Override
    public double[] sample(Rng rng) {
        return new double[]{start + rng.nextInt(n)};
    }

    @Override
    public String toString() {
        return start == 0 ? "Discrete(" + n + ")" : "Discrete(" + n + ", start=" + start + ")";
    }
}
