package dev.topiary.rl.simba;

import dev.topiary.backend.AdamW;
import dev.topiary.nn.LayerContext;
import dev.topiary.nn.Module;
import dev.topiary.sparse.RegimePlan;
import dev.topiary.sparse.SparseModule;

/**
 * Builds a SimBa agent's modules from its settings: the online critic and actor under the plan's regimes, and
 * targets of exactly their shape (same widths, blocks, heads and optimiser settings, so {@link PolyakTarget} can pair
 * their parameters). The algorithms differ only in the critic's head count and the actor's output count.
 */
public final class SimbaModuleBuilder {
    /** Seeds of the critic's and the actor's regime and initialisation, from the agent's seed. */
    private static final long CRITIC_SEED = 0x2002L;
    private static final long ACTOR_SEED = 0x3003L;

    /** The online modules, each under its regime. */
    public record Online(SparseModule critic, SparseModule actor) {
    }

    private final LayerContext ctx;
    private final int obsDim;
    private final int actionDim;
    private final int criticHeads;
    private final int actorOutputs;
    private final SimbaSettings.Networks shape;
    private final AdamW criticOptimizer;
    private final AdamW actorOptimizer;
    private final double tau;

    /**
     * @param criticHeads  Q-networks in the critic (SAC's clipped double-Q: 2, DDPG: 1)
     * @param actorOutputs the actor's pre-activation outputs (SAC: means and log-stds, 2|A|; DDPG: |A|)
     */
    public SimbaModuleBuilder(LayerContext ctx, SimbaHyperParameters hp, int obsDim, int actionDim, int criticHeads,
                              int actorOutputs) {
        this.ctx = ctx;
        this.obsDim = obsDim;
        this.actionDim = actionDim;
        this.criticHeads = criticHeads;
        this.actorOutputs = actorOutputs;
        this.shape = hp.networks();
        SimbaSettings.Optimizers o = hp.optimizers();
        this.criticOptimizer = AdamW.of((float) o.criticLr(), (float) o.criticWd());
        this.actorOptimizer = AdamW.of((float) o.actorLr(), (float) o.actorWd());
        this.tau = hp.generic().tau();
    }

    /** A critic module named {@code name}. */
    public Module critic(String name) {
        return SimbaModules.critic(ctx, name, obsDim, actionDim, shape.criticWidth(), shape.criticBlocks(),
                criticHeads, criticOptimizer);
    }

    /** An actor module named {@code name}. */
    public Module actor(String name) {
        return SimbaModules.actor(ctx, name, obsDim, shape.actorWidth(), shape.actorBlocks(), actorOutputs,
                actorOptimizer);
    }

    /**
     * The trained {@code critic} and {@code actor} under {@code plan}'s critic and actor regimes (the encoder entry
     * is ignored: SimBa agents have no encoder), T = {@code moduleSteps} each, seeded from {@code seed}.
     */
    public Online online(RegimePlan plan, long moduleSteps, long seed) {
        Module critic = critic("critic");
        Module actor = actor("actor");
        return new Online(SparseModule.create(critic, plan.critic(), moduleSteps, seed ^ CRITIC_SEED),
                SparseModule.create(actor, plan.actor(), moduleSteps, seed ^ ACTOR_SEED));
    }

    /** {@code critic_target}, following {@code critic} at the settings' τ. */
    public PolyakTarget criticTarget(SparseModule critic) {
        return new PolyakTarget(critic.module(), critic("critic_target"), tau);
    }

    /** {@code actor_target}, following {@code actor} at the settings' τ. */
    public PolyakTarget actorTarget(SparseModule actor) {
        return new PolyakTarget(actor.module(), actor("actor_target"), tau);
    }
}
