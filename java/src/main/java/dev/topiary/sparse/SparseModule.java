package dev.topiary.sparse;

import dev.topiary.nn.DenseGradients;
import dev.topiary.nn.Module;

import java.util.Optional;

/**
 * A module trained under a regime: the only thing an algorithm calls, so any module takes any regime without
 * changes to the algorithm. Per step: forward and backward as usual, then {@link #step(DenseGradients)}, which runs
 * the optimizer (with clipping if configured) and, when due, the topology update.
 */
public final class SparseModule {
    private final Module module;
    private final Regime regime;
    private TopologyReport lastUpdate;

    private SparseModule(Module module, Regime regime) {
        this.module = module;
        this.regime = regime;
    }

    /**
     * Binds {@code config} to {@code module} with T = {@code totalSteps}, picks the initial masks, then initialises
     * the weights (MR.Q's scheme). Masks and values draw from {@code seed} on separate streams.
     */
    public static SparseModule create(Module module, RegimeConfig config, long totalSteps, long seed) {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("module " + module.name() + ": total steps T = " + totalSteps
                    + " must be ≥ 1");
        }
        Regime regime = config.create(module, totalSteps, seed);
        regime.initialise();
        module.initialise(seed);
        return new SparseModule(module, regime);
    }

    public Module module() {
        return module;
    }

    public Regime regime() {
        return regime;
    }

    /** True when the next {@link #step} will run a topology update (so the caller's gradients will be read). */
    public boolean updateDueNextStep() {
        return regime.updateDue(module.steps() + 1);
    }

    /**
     * One optimizer step, then the topology update if one is due at the new step count. {@code gradients} gives the
     * dense gradient of the module's own loss on the current batch; it is read only by growth by gradient.
     */
    public Optional<TopologyReport> step(DenseGradients gradients) {
        module.step();
        long t = module.steps();
        if (!regime.updateDue(t)) {
            return Optional.empty();
        }
        lastUpdate = regime.update(t, gradients);
        return Optional.of(lastUpdate);
    }

    /** The last topology update, or null before the first. */
    public TopologyReport lastUpdate() {
        return lastUpdate;
    }
}
