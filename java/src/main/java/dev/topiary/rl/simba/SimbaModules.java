package dev.topiary.rl.simba;

import dev.topiary.backend.AdamW;
import dev.topiary.nn.LayerContext;
import dev.topiary.nn.Module;
import dev.topiary.nn.Network;
import dev.topiary.nn.Simba;

import java.util.ArrayList;
import java.util.List;

/**
 * The SimBa actor-critic modules of SAC and DDPG (the sibling paper's setting, without an encoder):
 *
 * <ul>
 *   <li><b>critic</b>: {@code heads} Q-networks {@code q1, q2, …}, each {@code Simba(obs ⊕ action → 1)};</li>
 *   <li><b>actor</b>: one network {@code pi} = {@code Simba(obs → out)}, pre-activation (the algorithm squashes
 *       it).</li>
 * </ul>
 *
 * Widths are the SimBa defaults times the width multiplier, at least 1. Weights stay unallocated until a sparsity
 * regime (or the first use) picks their layout.
 */
public final class SimbaModules {
    private SimbaModules() {
    }

    /** {@code round(base · multiplier)}, at least 1. */
    public static int width(int base, double multiplier) {
        return Math.max(1, (int) Math.round(base * multiplier));
    }

    /** A critic module of {@code heads} Q-networks on {@code obsDim + actionDim} inputs. */
    public static Module critic(LayerContext ctx, String name, int obsDim, int actionDim, int hidden, int blocks,
                                int heads, AdamW hp) {
        List<Network> qs = new ArrayList<>();
        for (int k = 1; k <= heads; k++) {
            qs.add(Simba.network(ctx, "q" + k, obsDim + actionDim, hidden, blocks, 1));
        }
        return new Module(name, ctx, hp, 0f, qs);
    }

    /** An actor module: one network {@code pi} from observations to {@code out} pre-activations. */
    public static Module actor(LayerContext ctx, String name, int obsDim, int hidden, int blocks, int out, AdamW hp) {
        return new Module(name, ctx, hp, 0f, List.of(Simba.network(ctx, "pi", obsDim, hidden, blocks, out)));
    }
}
