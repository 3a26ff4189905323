package dev.topiary.env;

import java.util.Map;

/**
 * What {@link Env#reset} returns, as Gymnasium 1.x: the first observation of an episode and auxiliary information.
 *
 * @param observation the initial observation (a fresh array the caller may keep)
 * @param info        auxiliary information
 */
public record ResetResult(double[] observation, Map<String, Object> info) {

    public ResetResult {
        info = info == null ? Map.of() : info;
    }
}
