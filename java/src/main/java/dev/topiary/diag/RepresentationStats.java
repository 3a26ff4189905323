package dev.topiary.diag;

import java.util.List;

/**
 * Plasticity and capacity metrics of one network on a batch: dormant-neuron ratios over every activation layer, and
 * the stable rank (Kumar et al. 2021, δ given) and mean ℓ₂ norm of its representation: the output of its last
 * activation layer (the penultimate features when the network ends with a linear head).
 */
public record RepresentationStats(String network, List<DormantStats> dormant, int stableRank, double delta,
                                  double featureNorm, int featureWidth) {

    /** The dormant statistics at threshold τ. */
    public DormantStats dormantAt(double tau) {
        for (DormantStats d : dormant) {
            if (d.tau() == tau) {
                return d;
            }
        }
        throw new IllegalArgumentException("no dormant ratio at τ = " + tau + " was computed");
    }
}
