package dev.topiary.rl.ddpg;

import dev.topiary.backend.Backend;
import dev.topiary.nn.LayerContext;
import dev.topiary.nn.Module;
import dev.topiary.rl.ActionCodec;
import dev.topiary.rl.simba.PolyakTarget;
import dev.topiary.rl.simba.SimbaAgent;
import dev.topiary.rl.simba.SimbaModuleBuilder;
import dev.topiary.rl.simba.SimbaNetworks;
import dev.topiary.sparse.RegimePlan;
import dev.topiary.sparse.SparseModule;

import java.util.List;
import java.util.Map;

/**
 * DDPG on SimBa networks (the sibling paper's setting, spec §5), continuous actions only, on any backend, with the
 * critic and the actor under the regimes of a {@link RegimePlan} (MST: critic RigL 0.6, actor static 0.6); the plan's
 * encoder entry is ignored.
 *
 * <p>Modules: {@code critic} (<b>one</b> SimBa Q-network {@code q1}), {@code actor} ({@code pi}, |A| outputs squashed
 * by tanh), and the frozen targets {@code critic_target} and {@code actor_target}, which follow them by Polyak
 * averaging with the same masks. One critic, not two with a min, because that is DDPG as Lillicrap et al. define
 * it: clipped double-Q (with target smoothing and delayed actor updates) is what turns DDPG into TD3, and the sibling
 * paper reports DDPG and SAC as distinct algorithms; SAC here has the two heads. The target actor is DDPG's too.
 *
 * <p>Exploration: {@code a = clip(tanh(π(s)) + N(0, 0.1²), −1, 1)}, the noise drawn from a Philox stream keyed by the
 * act count. Each {@link #train()} runs {@code updatesPerStep} = 2 updates (UTD 2), each on its own uniform batch:
 * critic, actor, then both targets ({@link DdpgUpdate}); each module's regime counts 2 steps per training call.
 * Observations are normalised with running statistics updated on every observed transition. What DDPG shares with
 * SAC (replay, statistics, the training loop, checkpoints) is {@link SimbaAgent}'s; DDPG adds the deterministic
 * policy with Gaussian exploration and the actor target, and keeps no state of its own beyond the modules.
 */
public final class DdpgAgent extends SimbaAgent<DdpgHyperParameters, DdpgAgent.Networks, DdpgUpdate> {
    /** The graphed step's key (see {@link Backend#graphed}). */
    static final String UPDATE_STEP = "ddpg/update";

    private static final Algorithm ALGORITHM = new Algorithm("ddpg", "DDPG", UPDATE_STEP);
    private static final long ACT_NOISE_STREAM = 0xDD61L << 40;

    /** The trained modules and their targets. */
    record Networks(SparseModule critic, SparseModule actor, PolyakTarget criticTarget, PolyakTarget actorTarget)
            implements SimbaNetworks {
        @Override
        public List<Module> checkpointModules() {
            return List.of(critic.module(), actor.module(), criticTarget.target(), actorTarget.target());
        }
    }

    /**
     * @param totalTrainCalls the run's training calls (environment steps after the warm-up); each module's T is
     *                        this times {@code updatesPerStep}
     */
    public DdpgAgent(Backend backend, int obsDim, ActionCodec codec, DdpgHyperParameters hyperParameters,
                     RegimePlan plan, long totalTrainCalls, int replayCapacity, long seed) {
        super(ALGORITHM, backend, obsDim, codec, hyperParameters, totalTrainCalls, replayCapacity, seed,
                (ctx, moduleSteps) -> build(ctx, hyperParameters, plan, obsDim, codec.dim(), moduleSteps, seed),
                (arena, net, normalizer) -> new DdpgUpdate(backend, arena, net, normalizer,
                        hyperParameters.generic().batchSize(), obsDim, codec.dim()));
    }

    private static Networks build(LayerContext ctx, DdpgHyperParameters hp, RegimePlan plan, int obsDim,
                                  int actionDim, long moduleSteps, long seed) {
        SimbaModuleBuilder modules = new SimbaModuleBuilder(ctx, hp, obsDim, actionDim, 1, actionDim);
        SimbaModuleBuilder.Online online = modules.online(plan, moduleSteps, seed);
        return new Networks(online.critic(), online.actor(), modules.criticTarget(online.critic()),
                modules.actorTarget(online.actor()));
    }

    Networks networks() {
        return net();
    }

    /** Evaluation: tanh(π(s)). Exploration: clip(tanh(π(s)) + σ ε, −1, 1), ε from the act counter's Philox stream. */
    @Override
    protected double[] action(double[] pre, boolean explore, long actIndex) {
        double sigma = hyperParameters().exploration().noise();
        double[] a = new double[actionDim()];
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.tanh(pre[i]);
            if (explore) {
                a[i] = Math.max(-1, Math.min(1, a[i] + sigma * actNoise(ACT_NOISE_STREAM, actIndex, i)));
            }
        }
        return a;
    }

    @Override
    protected void putUpdateMetrics(Map<String, Double> m) {
        DdpgUpdate u = update();
        m.put("loss/critic", u.criticLoss());
        m.put("loss/actor", -u.meanQ());
        m.put("q_mean", u.meanQ());
    }
}
