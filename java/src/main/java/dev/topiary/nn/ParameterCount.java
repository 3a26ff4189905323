package dev.topiary.nn;

import java.util.List;

/** How many parameters a network or module has: all of them, and those active under its current masks. */
public record ParameterCount(long total, long active) {

    public ParameterCount plus(ParameterCount other) {
        return new ParameterCount(total + other.total, active + other.active);
    }

    /** Fraction of inactive parameters, biases and norms included. */
    public double sparsity() {
        return total == 0 ? 0 : 1 - (double) active / total;
    }

    public static ParameterCount of(List<Parameter> parameters) {
        long total = 0;
        long active = 0;
        for (Parameter p : parameters) {
            total += p.count();
            active += p.activeCount();
        }
        return new ParameterCount(total, active);
    }

    @Override
    public String toString() {
        return total + " parameters (" + active + " active)";
    }
}
