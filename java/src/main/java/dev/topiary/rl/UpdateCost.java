package dev.topiary.rl;

import dev.topiary.nn.Linear;
import dev.topiary.sparse.SparseModule;

import java.util.List;

/**
 * What one training call (one environment step after the warm-up) costs in matrix-multiply FLOPs, estimated from
 * the trained modules' weights: each gradient update forwards and back-propagates (input and weight gradients) every
 * linear layer of every trained module once on the minibatch, 2 + 4 = 6 FLOPs per weight and sample, so
 *
 * <pre>  FLOPs per call = updates per call · 6 · batch · Σ weights</pre>
 *
 * with Σ over all weights for the dense-equivalent count and over the active ones (the masks' non-zeros) for the
 * actual count. It is the usual "6 N" estimate: target networks, the forward passes of other modules inside a loss
 * (MR.Q's critic and actor read the encoder; the actor's loss reads the critic), MR.Q's multi-step encoder
 * unroll, biases, norms and elementwise work are not counted. MR.Q's encoder takes 250 updates every 250 calls, one
 * per call on average, and counts once per call. It is exact in its ratio: actual/dense is the share of matmul work
 * a sparse kernel that skips zeros could save.
 *
 * @param denseFlops     FLOPs per call if every weight were active
 * @param actualFlops    FLOPs per call over the active weights
 * @param totalWeights   linear weights of the trained modules
 * @param activeWeights  of those, the active ones now
 * @param updatesPerCall gradient updates per training call (SAC/DDPG's update-to-data ratio; 1 for MR.Q)
 * @param batchSize      the minibatch size
 */
public record UpdateCost(double denseFlops, double actualFlops, long totalWeights, long activeWeights,
                         int updatesPerCall, int batchSize) {

    /** The cost of a call of {@code updatesPerCall} updates at {@code batchSize} over {@code modules} as they are now. */
    public static UpdateCost of(List<SparseModule> modules, int batchSize, int updatesPerCall) {
        long total = 0;
        long active = 0;
        for (SparseModule sm : modules) {
            for (Linear l : sm.module().linears()) {
                total += (long) l.weight().rows() * l.weight().cols();
                active += l.weight().nnz();
            }
        }
        double perWeight = 6.0 * batchSize * updatesPerCall;
        return new UpdateCost(perWeight * total, perWeight * active, total, active, updatesPerCall, batchSize);
    }

    /** For an agent that does not say. */
    public static UpdateCost unknown() {
        return new UpdateCost(Double.NaN, Double.NaN, 0, 0, 0, 0);
    }
}
