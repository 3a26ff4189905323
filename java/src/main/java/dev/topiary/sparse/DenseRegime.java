package dev.topiary.sparse;

import dev.topiary.nn.DenseGradients;

import java.util.List;

/** Dense training: no masks, no updates. Every weight keeps the {@code DENSE} layout. */
final class DenseRegime implements Regime {

    @Override
    public String name() {
        return "dense";
    }

    @Override
    public void initialise() {
    }

    @Override
    public boolean updateDue(long step) {
        return false;
    }

    @Override
    public TopologyReport update(long step, DenseGradients gradients) {
        return new TopologyReport(name(), step, List.of());
    }
}
