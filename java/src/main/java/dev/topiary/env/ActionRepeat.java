package dev.topiary.env;

import java.util.Map;

/**
 * Repeats each action {@code repeat} times and sums the rewards, stopping early when the episode terminates or is
 * truncated (MR.Q's DMC preprocessing uses 2). The last inner step's observation, flags and info are returned; the
 * info also carries {@code "action_repeat_steps"}, how many inner steps ran.
 */
public final class ActionRepeat extends Wrapper {
    private final int repeat;

    public ActionRepeat(Env env, int repeat) {
        super(env);
        if (repeat < 1) {
            throw new IllegalArgumentException("ActionRepeat: repeat = " + repeat + " must be ≥ 1");
        }
        this.repeat = repeat;
    }

    public int repeat() {
        return repeat;
    }

    @Override
    public StepResult step(double[] action) {
        double total = 0;
        StepResult r = null;
        int steps = 0;
        while (steps < repeat) {
            r = env.step(action);
            total += r.reward();
            steps++;
            if (r.endsEpisode()) {
                break;
            }
        }
        Map<String, Object> info = new java.util.LinkedHashMap<>(r.info());
        info.put("action_repeat_steps", steps);
        return new StepResult(r.observation(), total, r.terminated(), r.truncated(), info);
    }
}
