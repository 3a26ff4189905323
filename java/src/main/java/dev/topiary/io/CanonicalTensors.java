package dev.topiary.io;

import dev.topiary.io.Checkpoint.Named;
import dev.topiary.io.SafeTensorsWriter.Spec;
import dev.topiary.nn.Parameter;
import dev.topiary.nn.WeightParameter;

import java.io.IOException;
import java.util.List;

/**
 * The canonical form of a parameter as file tensors. A weight {@code rows × cols} is {@code name} (dense values,
 * zero where inactive), {@code name.mask} (U8 0/1), {@code name.adam_m} and {@code name.adam_v} (dense); a vector of
 * n entries is {@code name}, {@code name.adam_m}, {@code name.adam_v}, each of shape {@code [n]}.
 */
final class CanonicalTensors {
    static final String MASK = ".mask";
    static final String M = ".adam_m";
    static final String V = ".adam_v";

    private CanonicalTensors() {
    }

    /** File shape of a parameter: {@code [rows, cols]} for a weight, {@code [n]} for a vector. */
    static long[] shape(Parameter p) {
        if (p instanceof WeightParameter w) {
            return new long[] {w.rows(), w.cols()};
        }
        return new long[] {p.count()};
    }

    static List<Spec> specs(Named p) {
        long[] shape = shape(p.parameter());
        if (p.parameter() instanceof WeightParameter) {
            return List.of(new Spec(p.key(), "F32", shape), new Spec(p.key() + MASK, "U8", shape),
                    new Spec(p.key() + M, "F32", shape), new Spec(p.key() + V, "F32", shape));
        }
        return List.of(new Spec(p.key(), "F32", shape), new Spec(p.key() + M, "F32", shape),
                new Spec(p.key() + V, "F32", shape));
    }

    /** Writes the parameter's tensors in the order of {@link #specs}. */
    static void write(Parameter p, SafeTensorsWriter w) throws IOException {
        int n = Math.toIntExact(p.count());
        float[] values = new float[n];
        float[] m = new float[n];
        float[] v = new float[n];
        if (p instanceof WeightParameter wp) {
            byte[] mask = new byte[n];
            wp.exportCanonical(values, mask, m, v);
            w.writeFloats(values);
            w.writeBytes(mask);
        } else {
            p.value().copyTo(values);
            p.m().copyTo(m);
            p.v().copyTo(v);
            w.writeFloats(values);
        }
        w.writeFloats(m);
        w.writeFloats(v);
    }
}
