package dev.topiary.env;

/**
 * The set of valid observations or actions, as Gymnasium's spaces: a {@link Box} of real vectors or a
 * {@link Discrete} set of integers. Values travel as {@code double[]}; a discrete value is a one-element array.
 */
public sealed interface Space permits Box, Discrete {

    /** Length of the flat {@code double[]} that carries one value: the Box's element count, 1 for Discrete. */
    int flatSize();

    /** True when {@code value} lies in the space. */
    boolean contains(double[] value);

    /** A random member, drawn from {@code rng} (Gymnasium seeds action spaces separately from the environment). */
    double[] sample(Rng rng);
}
