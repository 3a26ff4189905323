package dev.topiary.rl.replay;

import dev.topiary.backend.Tensor;

/**
 * A batch of sub-trajectories of H transitions for MR.Q's encoder rollout: observations s_t .. s_{t+H} and, for
 * k < H, the action, reward and not-done flag of transition t+k, plus {@code lossMask(k) = Π_{j<k} notDone_{t+j}}
 * (1 for k = 0), which zeroes every step after a termination. All tensors have B rows.
 */
public final class SequenceBatch extends ReplayBatch {
    private final Tensor[] obs;
    private final Tensor[] action;
    private final Tensor[] reward;
    private final Tensor[] notDone;
    private final Tensor[] lossMask;

    SequenceBatch(Tensor indices, Tensor[] obs, Tensor[] action, Tensor[] reward, Tensor[] notDone,
                  Tensor[] lossMask) {
        super(indices);
        this.obs = obs;
        this.action = action;
        this.reward = reward;
        this.notDone = notDone;
        this.lossMask = lossMask;
    }

    /** H, the number of transitions per sub-trajectory. */
    public int horizon() {
        return action.length;
    }

    /** {@code F32[B×obsDim]}: s_{t+k}, k in [0, H]. */
    public Tensor obs(int k) {
        return obs[k];
    }

    /** {@code F32[B×actionDim]}: a_{t+k}, k in [0, H). */
    public Tensor action(int k) {
        return action[k];
    }

    /** {@code F32[B×1]}: r_{t+k}. */
    public Tensor reward(int k) {
        return reward[k];
    }

    /** {@code F32[B×1]}: 1 − terminated_{t+k}. */
    public Tensor notDone(int k) {
        return notDone[k];
    }

    /** {@code F32[B×1]}: 1 while no termination happened before step k of the window, else 0. */
    public Tensor lossMask(int k) {
        return lossMask[k];
    }
}
