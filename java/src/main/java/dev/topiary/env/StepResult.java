package dev.topiary.env;

import java.util.Map;

/**
 * What {@link Env#step} returns, as Gymnasium 1.x: the next observation, the reward, and two separate flags.
 * {@code terminated} means the MDP reached a terminal state (do not bootstrap); {@code truncated} means the episode
 * was cut by something outside the MDP, usually a time limit (bootstrap from the observation). Never merge them.
 *
 * @param observation the observation after the action (a fresh array the caller may keep)
 * @param reward      the reward for the transition
 * @param terminated  a terminal state of the MDP was reached
 * @param truncated   the episode was cut short (time limit)
 * @param info        auxiliary diagnostics, e.g. each reward term
 */
public record StepResult(double[] observation, double reward, boolean terminated, boolean truncated,
                         Map<String, Object> info) {

    public StepResult {
        info = info == null ? Map.of() : info;
    }

    /** {@code terminated || truncated}: for loop control (reset now), never for bootstrapping. */
    public boolean endsEpisode() {
        return terminated || truncated;
    }
}
