package dev.topiary.rl.sac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.backend.AdamW;
import dev.topiary.backend.Backend;
import dev.topiary.backend.Philox;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import dev.topiary.nn.LayerContext;
import dev.topiary.nn.Module;
import dev.topiary.nn.Pass;
import dev.topiary.rl.ActionCodec;
import dev.topiary.rl.Agent;
import dev.topiary.rl.AgentSnapshot;
import dev.topiary.rl.UpdateCost;
import dev.topiary.rl.replay.ReplayBuffer;
import dev.topiary.rl.replay.ReplayConfig;
import dev.topiary.rl.simba.ObservationNormalizer;
import dev.topiary.rl.simba.PolyakTarget;
import dev.topiary.rl.simba.SimbaModules;
import dev.topiary.rl.simba.SimbaSettings;
import dev.topiary.rl.simba.StateArrays;
import dev.topiary.sparse.RegimePlan;
import dev.topiary.sparse.SparseModule;

import java.nio.file.Path;
import java.util.LinkedHashMap;
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
 * (Philox keyed by the update or act count), so a resumed run draws exactly what an uninterrupted one would.
 */
public final class SacAgent implements Agent {
    /** The graphed step's key (see {@link Backend#graphed}). */
    static final String UPDATE_STEP = "sac/update";

    private final Backend backend;
    private static final long ACT_NOISE_STREAM = 0x5AC3L << 40;

    /** The trained modules and the critic's target. */
    record Networks(SparseModule critic, SparseModule actor, PolyakTarget criticTarget) {
    }

    private final SacHyperParameters hp;
    private final long seed;
    private final int actionDim;
    private final TensorArena arena;
    private final Networks net;
    private final ObservationNormalizer normalizer;
    private final Temperature temperature;
    private final ReplayBuffer replay;
    private final SacUpdate update;
    private final Tensor obs1;
    private final Tensor obs1Normalised;
    private final Pass piAct;
    private final double[] preHost;
    private long calls;
    private long acts;

    /**
     * @param totalTrainCalls the run's training calls (environment steps after the warm-up); each module's T is
     *                        this times {@code updatesPerStep}
     */
    public SacAgent(Backend backend, int obsDim, ActionCodec codec, SacHyperParameters hyperParameters,
                    RegimePlan plan, long totalTrainCalls, int replayCapacity, long seed) {
        this.backend = backend;
        if (codec.discrete()) {
            throw new IllegalArgumentException("SAC here acts in continuous (Box) action spaces only; use MR.Q for "
                    + "discrete actions");
        }
        if (totalTrainCalls < 1) {
            throw new IllegalArgumentException("SAC needs at least one training call, got " + totalTrainCalls
                    + " (total steps must exceed the warm-up)");
        }
        this.hp = hyperParameters;
        this.seed = seed;
        this.actionDim = codec.dim();
        this.arena = backend.newArena();
        LayerContext ctx = LayerContext.of(backend, arena);
        this.net = build(ctx, hp, plan, obsDim, actionDim, totalTrainCalls * hp.generic().updatesPerStep(), seed);
        this.normalizer = hp.normalizeObservations() ? new ObservationNormalizer(backend, arena, obsDim) : null;
        int batch = hp.generic().batchSize();
        this.temperature = new Temperature(backend, arena, hp.temperature(), hp.targetEntropy(actionDim), batch);
        this.replay = new ReplayBuffer(backend, new ReplayConfig(replayCapacity, obsDim, actionDim, batch, 1, 1,
                hp.generic().discount(), false, 1, 1, seed ^ 0x5EEDL));
        this.update = new SacUpdate(backend, arena, net, normalizer, temperature, hp, obsDim, actionDim, seed);
        this.obs1 = arena.f32(1, obsDim);
        this.obs1Normalised = arena.f32(1, obsDim);
        this.piAct = net.actor().module().network("pi").newPass(1);
        this.preHost = new double[2 * actionDim];
    }

    private static Networks build(LayerContext ctx, SacHyperParameters hp, RegimePlan plan, int obsDim, int actionDim,
                                  long moduleSteps, long seed) {
        SimbaSettings.Networks n = hp.networks();
        SimbaSettings.Optimizers o = hp.optimizers();
        AdamW criticHp = AdamW.of((float) o.criticLr(), (float) o.criticWd());
        AdamW actorHp = AdamW.of((float) o.actorLr(), (float) o.actorWd());
        int cw = n.criticWidth();
        Module critic = SimbaModules.critic(ctx, "critic", obsDim, actionDim, cw, n.criticBlocks(), 2, criticHp);
        Module actor = SimbaModules.actor(ctx, "actor", obsDim, n.actorWidth(), n.actorBlocks(), 2 * actionDim,
                actorHp);
        SparseModule c = SparseModule.create(critic, plan.critic(), moduleSteps, seed ^ 0x2002L);
        SparseModule a = SparseModule.create(actor, plan.actor(), moduleSteps, seed ^ 0x3003L);
        Module target = SimbaModules.critic(ctx, "critic_target", obsDim, actionDim, cw, n.criticBlocks(), 2,
                criticHp);
        return new Networks(c, a, new PolyakTarget(critic, target, hp.generic().tau()));
    }

    public SacHyperParameters hyperParameters() {
        return hp;
    }

    @Override
    public String name() {
        return "sac";
    }

    /** Evaluation: tanh(μ(s)). Exploration: a sample tanh(μ + σ ε), ε from the act counter's Philox stream. */
    @Override
    public double[] act(double[] obs, boolean explore) {
        obs1.copyFrom(obs);
        Tensor in = obs1;
        if (normalizer != null) {
            normalizer.apply(obs1, obs1Normalised);
            in = obs1Normalised;
        }
        piAct.forward(in).copyTo(preHost);
        double[] a = new double[actionDim];
        long n = explore ? acts++ : -1;
        SacHyperParameters.Policy p = hp.policy();
        for (int i = 0; i < actionDim; i++) {
            double u = preHost[i];
            if (explore) {
                double std = Math.exp(TanhGaussian.logStd(preHost[actionDim + i], p.logStdMin(), p.logStdMax()));
                u += std * Philox.normal(seed, ACT_NOISE_STREAM, n * actionDim + i);
            }
            a[i] = Math.tanh(u);
        }
        return a;
    }

    @Override
    public void observe(double[] obs, double[] action, double reward, double[] nextObs, boolean terminated,
                        boolean truncated) {
        replay.add(obs, action, reward, nextObs, terminated, truncated);
        if (normalizer != null) {
            normalizer.update(obs);
        }
    }

    @Override
    public void train() {
        if (normalizer != null) {
            normalizer.uploadIfStale();
        }
        int utd = hp.generic().updatesPerStep();
        for (int k = 0; k < utd; k++) {
            long n = calls * utd + k;
            // Sampling, the critic, actor and temperature steps and the target update: one device graph where the
            // backend has them.
            backend.graphed(UPDATE_STEP, () -> update.run(replay.sampleNStep(), n));
        }
        calls++;
    }

    @Override
    public UpdateCost updateCost() {
        return UpdateCost.of(modules(), hp.generic().batchSize(), hp.generic().updatesPerStep());
    }

    @Override
    public long trainCalls() {
        return calls;
    }

    @Override
    public List<SparseModule> modules() {
        return List.of(net.critic(), net.actor());
    }

    /** Every module, trained ones first: what a checkpoint stores. */
    List<Module> allModules() {
        return List.of(net.critic().module(), net.actor().module(), net.criticTarget().target());
    }

    Networks networks() {
        return net;
    }

    @Override
    public Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss/critic", update.criticLoss());
        m.put("loss/actor", update.actorLoss());
        m.put("temperature", temperature.value());
        m.put("entropy", update.entropy());
        m.put("q_mean", update.meanQ());
        for (SparseModule sm : modules()) {
            var count = sm.module().parameterCount();
            m.put("density/" + sm.module().name(), count.active() / (double) count.total());
        }
        return m;
    }

    /** The replay buffer (for diagnostics and tests). */
    public ReplayBuffer replay() {
        return replay;
    }

    /** The observation statistics, or null when normalisation is off. */
    public ObservationNormalizer normalizer() {
        return normalizer;
    }

    @Override
    public void save(Path dir) {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("calls", calls);
        s.put("acts", acts);
        StateArrays.put(s, "temperature", temperature.state());
        if (normalizer != null) {
            StateArrays.put(s, "normalizer", normalizer.state());
        }
        StateArrays.put(s, "metric_scalars", StateArrays.scalars(update.metricTensors()));
        AgentSnapshot.save(dir, name(), allModules(), replay, s);
    }

    @Override
    public void load(Path dir) {
        JsonNode s = AgentSnapshot.load(dir, name(), allModules(), replay, this::checkState);
        calls = s.path("calls").asLong();
        acts = s.path("acts").asLong();
        temperature.restore(StateArrays.get(s, "temperature", 4));
        if (normalizer != null) {
            normalizer.restore(StateArrays.get(s, "normalizer", normalizer.state().length));
        }
        Tensor[] ts = update.metricTensors();
        StateArrays.restoreScalars(ts, StateArrays.get(s, "metric_scalars", ts.length));
    }

    /** Checks that the state document holds everything {@link #load} restores (before anything changes). */
    private void checkState(JsonNode s) {
        StateArrays.get(s, "temperature", 4);
        if (normalizer != null) {
            StateArrays.get(s, "normalizer", normalizer.state().length);
        }
        StateArrays.get(s, "metric_scalars", update.metricTensors().length);
        if (!s.path("calls").canConvertToLong() || !s.path("acts").canConvertToLong()) {
            throw new IllegalArgumentException("agent state lacks the calls/acts counters");
        }
    }

    @Override
    public void close() {
        replay.close();
        arena.close();
    }
}
