package dev.topiary.rl.sac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.backend.Backend;
import dev.topiary.nn.LayerContext;
import dev.topiary.nn.Module;
import dev.topiary.rl.ActionCodec;
import dev.topiary.rl.simba.PolyakTarget;
import dev.topiary.rl.simba.SimbaAgent;
import dev.topiary.rl.simba.SimbaModuleBuilder;
import dev.topiary.rl.simba.SimbaNetworks;
import dev.topiary.rl.simba.StateArrays;
import dev.topiary.sparse.RegimePlan;
import dev.topiary.sparse.SparseModule;

import java.util.List;
import java.util.Map;

/**
 * SAC on SimBa networks (the sibling paper's setting, spec §5), continuous actions only, on any backend, with the
 * critic and the actor under the regimes of a {@link RegimePlan} (MST: critic RigL 0.6, actor static 0.6); the plan's
 * encoder entry is ignored, SAC has no encoder.
 *
 * <p>Modules: {@code critic} (two SimBa Q-heads {@code q1}, {@code q2}, clipped double-Q), {@code actor} (one SimBa
 * network {@code pi} with 2|A| outputs: means and raw log-stds of a tanh-squashed Gaussian) and
 * {@code critic_target}, a frozen copy of the critic that follows it by Polyak averaging with the same masks. As in
 * SAC (Haarnoja et al., 2018b) there is no target actor: the target's next action is sampled from the online actor.
 *
 * <p>Each {@link #train()} (one per environment step) runs {@code updatesPerStep} = 2 gradient updates (UTD 2), each
 * on its own uniform batch: critic, actor, temperature, then the target ({@link SacUpdate}). A module's regime
 * therefore counts 2 steps per training call, and its T is twice the run's training calls. Observations are
 * normalised with running statistics updated on every observed transition. All random draws are counter-based
 * (Philox keyed by the update or act count), so a resumed run draws exactly what an uninterrupted one would. What
 * SAC shares with DDPG (replay, statistics, the training loop, checkpoints) is {@link SimbaAgent}'s; SAC adds the
 * tanh-Gaussian policy and the learnt temperature, which its checkpoint keeps under {@code temperature}.
 */
public final class SacAgent extends SimbaAgent<SacHyperParameters, SacAgent.Networks, SacUpdate> {
    /** The graphed step's key (see {@link Backend#graphed}). */
    static final String UPDATE_STEP = "sac/update";

    private static final Algorithm ALGORITHM = new Algorithm("sac", "SAC", UPDATE_STEP);
    private static final long ACT_NOISE_STREAM = 0x5AC3L << 40;

    /** The trained modules and the critic's target. */
    record Networks(SparseModule critic, SparseModule actor, PolyakTarget criticTarget) implements SimbaNetworks {
        @Override
        public List<Module> checkpointModules() {
            return List.of(critic.module(), actor.module(), criticTarget.target());
        }
    }

    /**
     * @param totalTrainCalls the run's training calls (environment steps after the warm-up); each module's T is
     *                        this times {@code updatesPerStep}
     */
    public SacAgent(Backend backend, int obsDim, ActionCodec codec, SacHyperParameters hyperParameters,
                    RegimePlan plan, long totalTrainCalls, int replayCapacity, long seed) {
        super(ALGORITHM, backend, obsDim, codec, hyperParameters, totalTrainCalls, replayCapacity, seed,
                (ctx, moduleSteps) -> build(ctx, hyperParameters, plan, obsDim, codec.dim(), moduleSteps, seed),
                (arena, net, normalizer) -> new SacUpdate(backend, arena, net, normalizer, hyperParameters, obsDim,
                        codec.dim(), seed));
    }

    private static Networks build(LayerContext ctx, SacHyperParameters hp, RegimePlan plan, int obsDim, int actionDim,
                                  long moduleSteps, long seed) {
        SimbaModuleBuilder modules = new SimbaModuleBuilder(ctx, hp, obsDim, actionDim, 2, 2 * actionDim);
        SimbaModuleBuilder.Online online = modules.online(plan, moduleSteps, seed);
        return new Networks(online.critic(), online.actor(), modules.criticTarget(online.critic()));
    }

    Networks networks() {
        return net();
    }

    /** Evaluation: tanh(μ(s)). Exploration: a sample tanh(μ + σ ε), ε from the act counter's Philox stream. */
    @Override
    protected double[] action(double[] pre, boolean explore, long actIndex) {
        int actionDim = actionDim();
        double[] a = new double[actionDim];
        SacHyperParameters.Policy p = hyperParameters().policy();
        for (int i = 0; i < actionDim; i++) {
            double u = pre[i];
            if (explore) {
                double std = Math.exp(TanhGaussian.logStd(pre[actionDim + i], p.logStdMin(), p.logStdMax()));
                u += std * actNoise(ACT_NOISE_STREAM, actIndex, i);
            }
            a[i] = Math.tanh(u);
        }
        return a;
    }

    @Override
    protected void putUpdateMetrics(Map<String, Double> m) {
        SacUpdate u = update();
        m.put("loss/critic", u.criticLoss());
        m.put("loss/actor", u.actorLoss());
        m.put("temperature", u.temperature().value());
        m.put("entropy", u.entropy());
        m.put("q_mean", u.meanQ());
    }

    @Override
    protected void putOwnState(ObjectNode state) {
        StateArrays.put(state, "temperature", update().temperature().state());
    }

    @Override
    protected void checkOwnState(JsonNode state) {
        StateArrays.get(state, "temperature", Temperature.STATE_LENGTH);
    }

    @Override
    protected void restoreOwnState(JsonNode state) {
        update().temperature().restore(StateArrays.get(state, "temperature", Temperature.STATE_LENGTH));
    }
}
