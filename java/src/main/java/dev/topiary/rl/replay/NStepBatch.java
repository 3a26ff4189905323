package dev.topiary.rl.replay;

import dev.topiary.backend.Tensor;

/**
 * A batch for the value update with n-step returns: for each start t,
 * {@code return = Σ_{k<n} γ^k · (Π_{j<k} notDone_{t+j}) · r_{t+k}} and
 * {@code bootstrap = γ^n · Π_{k<n} notDone_{t+k}}, so the target is {@code return + bootstrap · Q(nextObs, ·)}.
 * Rewards after a termination inside the window do not count (they belong to the next episode).
 */
public final class NStepBatch extends ReplayBatch {
    private final Tensor obs;
    private final Tensor action;
    private final Tensor nextObs;
    private final Tensor returns;
    private final Tensor bootstrap;

    NStepBatch(Tensor indices, Tensor obs, Tensor action, Tensor nextObs, Tensor returns, Tensor bootstrap) {
        super(indices);
        this.obs = obs;
        this.action = action;
        this.nextObs = nextObs;
        this.returns = returns;
        this.bootstrap = bootstrap;
    }

    /** {@code F32[B×obsDim]}: s_t. */
    public Tensor obs() {
        return obs;
    }

    /** {@code F32[B×actionDim]}: a_t. */
    public Tensor action() {
        return action;
    }

    /** {@code F32[B×obsDim]}: s_{t+n} (meaningless, but finite, where {@link #bootstrap()} is 0). */
    public Tensor nextObs() {
        return nextObs;
    }

    /** {@code F32[B×1]}: the discounted n-step reward sum. */
    public Tensor returns() {
        return returns;
    }

    /** {@code F32[B×1]}: γ^n times the product of the n not-done flags. */
    public Tensor bootstrap() {
        return bootstrap;
    }
}
