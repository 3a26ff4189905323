package dev.topiary.rl.replay;

/**
 * Settings of a {@link ReplayBuffer}; {@link #mrq} gives MR.Q's defaults.
 *
 * @param capacity    slots in the ring (each transition takes one; each episode end one more for its final
 *                    observation)
 * @param obsDim      observation features
 * @param actionDim   action features (continuous actions as given, discrete actions one-hot)
 * @param batchSize   sub-trajectories per sample (MR.Q: 256)
 * @param horizon     H, transitions per sampled sub-trajectory (MR.Q's encoder horizon: 5); also the horizon the
 *                    validity mask is built for
 * @param nStep       n of the n-step returns, at most H (MR.Q's Q horizon: 3)
 * @param discount    γ (MR.Q: 0.99)
 * @param prioritized LAP sampling proportional to priority; false for uniform sampling over valid starts
 * @param alpha       LAP exponent α (MR.Q: 0.4)
 * @param minPriority LAP's floor on |TD error| before the exponent (MR.Q: 1), and the initial maximum priority
 * @param seed        seed of the sampling stream (Philox on the backend)
 */
public record ReplayConfig(int capacity, int obsDim, int actionDim, int batchSize, int horizon, int nStep,
                           double discount, boolean prioritized, double alpha, double minPriority, long seed) {

    public ReplayConfig {
        require(obsDim >= 1 && actionDim >= 1, "obsDim and actionDim must be ≥ 1, got " + obsDim + " and " + actionDim);
        require(horizon >= 1, "horizon = " + horizon + " must be ≥ 1");
        require(nStep >= 1 && nStep <= horizon, "nStep = " + nStep + " must be in [1, horizon = " + horizon + "]");
        require(capacity >= 2 * (horizon + 1) && capacity <= (1 << 29),
                "capacity = " + capacity + " must be in [2·(horizon + 1), 2^29]");
        require(batchSize >= 1, "batchSize = " + batchSize + " must be ≥ 1");
        require(discount > 0 && discount <= 1, "discount = " + discount + " must be in (0, 1]");
        require(alpha >= 0 && Double.isFinite(alpha), "alpha = " + alpha + " must be finite and ≥ 0");
        require(minPriority > 0 && Double.isFinite(minPriority), "minPriority = " + minPriority
                + " must be finite and > 0 (a zero priority would hide a valid sub-trajectory)");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("replay config: " + message);
        }
    }

    /** MR.Q's buffer: 1e6 slots, batch 256, H 5, n 3, γ 0.99, LAP with α 0.4 and minimum priority 1. */
    public static ReplayConfig mrq(int obsDim, int actionDim, long seed) {
        return new ReplayConfig(1_000_000, obsDim, actionDim, 256, 5, 3, 0.99, true, 0.4, 1.0, seed);
    }

    public ReplayConfig withCapacity(int slots) {
        return new ReplayConfig(slots, obsDim, actionDim, batchSize, horizon, nStep, discount, prioritized, alpha,
                minPriority, seed);
    }

    public ReplayConfig withBatchSize(int batch) {
        return new ReplayConfig(capacity, obsDim, actionDim, batch, horizon, nStep, discount, prioritized, alpha,
                minPriority, seed);
    }

    public ReplayConfig withHorizons(int h, int n) {
        return new ReplayConfig(capacity, obsDim, actionDim, batchSize, h, n, discount, prioritized, alpha,
                minPriority, seed);
    }

    public ReplayConfig withPrioritized(boolean lap) {
        return new ReplayConfig(capacity, obsDim, actionDim, batchSize, horizon, nStep, discount, lap, alpha,
                minPriority, seed);
    }

    /** Columns of the packed row one transition uploads: observation, action, reward, not-done. */
    public int rowWidth() {
        return obsDim + actionDim + 2;
    }
}
