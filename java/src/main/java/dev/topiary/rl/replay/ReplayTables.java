package dev.topiary.rl.replay;

import dev.topiary.backend.Tensor;

/**
 * The stored transitions, one backend table per field so a gather reads only the field it needs: slot j holds
 * s_j, a_j, r_j and 1 − terminated_j; the next observation s_{j+1} is the row after it.
 *
 * @param obs     {@code F32[capacity × obsDim]}
 * @param action  {@code F32[capacity × actionDim]}
 * @param reward  {@code F32[capacity × 1]}
 * @param notDone {@code F32[capacity × 1]}
 */
record ReplayTables(Tensor obs, Tensor action, Tensor reward, Tensor notDone) {
}
