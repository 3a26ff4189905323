package dev.topiary.rl;

import dev.topiary.sparse.SparseModule;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An off-policy agent as the {@link Trainer} drives it: one {@link #act} and one {@link #observe} per environment
 * step, and one {@link #train} per step once the warm-up is over (replay ratio 1, as MR.Q).
 *
 * <p>Actions are in the agent's own space: a continuous action is a vector in [−1, 1]^d (the {@link ActionCodec}
 * scales it to the environment's box), a discrete action a one-hot vector. Every module (encoder, critic, actor)
 * trains under the sparsity regime its configuration names, through {@link SparseModule}, so no algorithm knows which
 * regime it runs.
 */
public interface Agent extends AutoCloseable {

    /** "mrq", "sac" or "ddpg". */
    String name();

    /**
     * The action for {@code obs}: exploratory (noise or sampling) when {@code explore}, else the deterministic
     * policy used for evaluation. Returns a fresh array in the agent's action space.
     */
    double[] act(double[] obs, boolean explore);

    /** Stores one transition; {@code action} in the agent's action space, as {@link #act} returned it. */
    void observe(double[] obs, double[] action, double reward, double[] nextObs, boolean terminated,
                 boolean truncated);

    /** One training call (the trainer makes one per environment step after the warm-up). */
    void train();

    /** Training calls made so far. */
    long trainCalls();

    /** The modules with their regimes, for logs, diagnostics and checkpoints. */
    List<SparseModule> modules();

    /** The latest losses and statistics by name (reads device scalars, so call it only when logging). */
    Map<String, Double> metrics();

    /**
     * The estimated matmul FLOPs of one training call now, dense-equivalent and actual ({@link UpdateCost}); the
     * trainer logs it at every evaluation and sums it into {@code compute.json}.
     */
    default UpdateCost updateCost() {
        return UpdateCost.unknown();
    }

    /**
     * Plasticity diagnostics (mst-spec.md §6) on the latest training batch, by name: the same names on every call,
     * NaN where not yet defined (before the first update). Computing them changes no state of the agent. The trainer
     * logs them at every evaluation in {@code diagnostics.csv}; empty when the agent has none.
     */
    default Map<String, Double> diagnostics() {
        return Map.of();
    }

    /** Writes everything needed to continue bit-exactly (networks, targets, optimizers, replay, counters). */
    void save(Path dir);

    /** Restores what {@link #save} wrote, after validating all of it; on failure the agent is unchanged. */
    void load(Path dir);

    /** Frees the agent's backend memory. */
    @Override
    void close();
}
