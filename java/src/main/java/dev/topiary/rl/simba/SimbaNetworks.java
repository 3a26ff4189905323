package dev.topiary.rl.simba;

import dev.topiary.nn.Module;
import dev.topiary.sparse.SparseModule;

import java.util.List;

/**
 * The modules of a SimBa agent as {@link SimbaAgent} needs to see them: the trained critic and actor (under their
 * regimes), the critic's Polyak target (both SAC and DDPG bootstrap from one), and the full list a checkpoint stores.
 * Each algorithm's own record adds what only it has (DDPG's actor target).
 */
public interface SimbaNetworks {
    /** The trained critic (Q-heads {@code q1, q2, …}). */
    SparseModule critic();

    /** The trained actor (one network {@code pi}); {@link SimbaAgent#act} runs its forward pass. */
    SparseModule actor();

    /** The critic's target. */
    PolyakTarget criticTarget();

    /**
     * Every module, trained ones first, in the order the checkpoint stores them: changing it would make old
     * checkpoints unreadable.
     */
    List<Module> checkpointModules();
}
