package dev.topiary.diag;

/**
 * Dormant neurons at threshold τ (Sokar et al. 2023): neuron i of a layer scores
 * {@code s_i = E_x|h_i(x)| / ((1/H) Σ_k E_x|h_k(x)|)} over a batch and is dormant when {@code s_i ≤ τ}. A layer whose
 * every output is zero on the batch counts all its neurons as dormant.
 */
public record DormantStats(double tau, long dormant, long neurons) {

    /** Fraction of dormant neurons, 0 when there are none. */
    public double ratio() {
        return neurons == 0 ? 0 : (double) dormant / neurons;
    }

    /** Counts the dormant neurons among per-neuron mean absolute activations {@code meanAbs}. */
    public static DormantStats of(double tau, double[] meanAbs) {
        double layerMean = 0;
        for (double a : meanAbs) {
            layerMean += a;
        }
        layerMean /= meanAbs.length;
        long dormant = 0;
        for (double a : meanAbs) {
            if (layerMean == 0 || a / layerMean <= tau) {
                dormant++;
            }
        }
        return new DormantStats(tau, dormant, meanAbs.length);
    }

    public DormantStats plus(DormantStats other) {
        if (other.tau != tau) {
            throw new IllegalArgumentException("cannot add dormant counts at τ " + tau + " and " + other.tau);
        }
        return new DormantStats(tau, dormant + other.dormant, neurons + other.neurons);
    }
}
