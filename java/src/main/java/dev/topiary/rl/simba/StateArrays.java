package dev.topiary.rl.simba;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.backend.Tensor;

/**
 * Plain-double arrays in an agent's checkpoint state document (JSON doubles round-trip exactly, so floats and
 * counts below 2^53 come back bit for bit).
 */
public final class StateArrays {
    private StateArrays() {
    }

    public static void put(ObjectNode state, String key, double[] values) {
        ArrayNode a = state.putArray(key);
        for (double v : values) {
            a.add(v);
        }
    }

    /** The array under {@code key}; fails naming the key when it is missing or not {@code length} long. */
    public static double[] get(JsonNode state, String key, int length) {
        JsonNode a = state.path(key);
        if (!a.isArray() || a.size() != length) {
            throw new IllegalArgumentException("agent state: '" + key + "' must be an array of " + length
                    + " numbers, found " + (a.isMissingNode() ? "nothing" : a.toString()));
        }
        double[] d = new double[length];
        for (int i = 0; i < length; i++) {
            d[i] = a.get(i).asDouble();
        }
        return d;
    }

    /** The values of {@code 1×1} device scalars (metric holders). */
    public static double[] scalars(Tensor[] ts) {
        double[] d = new double[ts.length];
        for (int i = 0; i < ts.length; i++) {
            d[i] = ts[i].scalar();
        }
        return d;
    }

    /** Writes {@code values} back into {@code 1×1} device scalars. */
    public static void restoreScalars(Tensor[] ts, double[] values) {
        for (int i = 0; i < ts.length; i++) {
            ts[i].copyFrom(new double[]{values[i]});
        }
    }
}
