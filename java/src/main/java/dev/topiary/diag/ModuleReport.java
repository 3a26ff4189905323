package dev.topiary.diag;

import dev.topiary.nn.ParameterCount;
import dev.topiary.sparse.SparseModule;
import dev.topiary.sparse.TopologyReport;

import java.util.List;

/**
 * A module's state for the logs: parameter counts, every linear layer's realised sparsity and norm, the total weight
 * and gradient norms, and the connections pruned and grown by its latest topology update (null before the first).
 */
public record ModuleReport(String module, String regime, long step, ParameterCount parameters, List<LayerStats> layers,
                           double weightNorm, double gradientNorm, TopologyReport lastTopologyUpdate) {

    /** Computes the report now; read it before the optimizer step if the gradient norm matters. */
    public static ModuleReport of(SparseModule sm) {
        var m = sm.module();
        return new ModuleReport(m.name(), sm.regime().name(), m.steps(), m.parameterCount(), Diagnostics.layers(m),
                Diagnostics.weightNorm(m), Diagnostics.gradientNorm(m), sm.lastUpdate());
    }
}
