package dev.topiary.rl.mrq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.backend.Backend;
import dev.topiary.backend.Philox;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import dev.topiary.diag.Diagnostics;
import dev.topiary.diag.RepresentationStats;
import dev.topiary.nn.LayerContext;
import dev.topiary.nn.Pass;
import dev.topiary.rl.ActionCodec;
import dev.topiary.rl.Agent;
import dev.topiary.rl.AgentSnapshot;
import dev.topiary.rl.UpdateCost;
import dev.topiary.rl.replay.NStepBatch;
import dev.topiary.rl.replay.ReplayBuffer;
import dev.topiary.rl.replay.ReplayConfig;
import dev.topiary.sparse.RegimePlan;
import dev.topiary.sparse.SparseModule;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MR.Q (Fujimoto et al., 2025) on any backend, for continuous and discrete actions, with every module under the
 * regime its {@link RegimePlan} names (MST: encoder dense, value RigL, policy static).
 *
 * <p>One {@link #train()} per environment step (spec §4.2): every {@code targetUpdateInterval} calls the targets are
 * hard-copied, the reward scales move on ({@code target_reward_scale ← reward_scale ← mean|r|}) and the encoder takes
 * that many steps on sub-trajectories; then one value step and one policy step on an n-step batch, and the sampled
 * starts get their LAP priorities. All random draws are counter-based (Philox streams keyed by the call count), so a
 * resumed run draws exactly what an uninterrupted one would.
 */
public final class MrqAgent implements Agent {
    private static final long ACT_NOISE_STREAM = 0x7A4L << 40;
    private static final long ACT_GUMBEL_STREAM = 0x7A5L << 40;

    /** The graphed steps' keys (see {@link Backend#graphed}). */
    static final String ENCODER_STEP = "mrq/encoder";
    static final String VALUE_POLICY_STEP = "mrq/value+policy";

    private final Backend backend;
    private final MrqHyperParameters hp;
    private final ActionCodec codec;
    private final long seed;
    private final TensorArena arena;
    private final MrqModel net;
    private final ReplayBuffer replay;
    private final EncoderUpdate encoderUpdate;
    private final ValueUpdate valueUpdate;
    private final PolicyUpdate policyUpdate;
    private final Tensor obs1;
    private final Pass zsAct;
    private final Pass piAct;
    private final double[] preHost;
    private final Diagnostics diagnostics = new Diagnostics();
    private Pass zsaProbe;
    private NStepBatch lastBatch;
    private long calls;
    private long acts;
    private double rewardScale = 1;
    private double targetRewardScale;

    /**
     * @param totalTrainCalls the run's training calls (environment steps after the warm-up): T of the value and
     *                        policy regimes; the encoder's T is the number of encoder steps this implies
     */
    public MrqAgent(Backend backend, int obsDim, ActionCodec codec, MrqHyperParameters hyperParameters,
                    RegimePlan plan, long totalTrainCalls, int replayCapacity, long seed) {
        if (totalTrainCalls < 1) {
            throw new IllegalArgumentException("MR.Q needs at least one training call, got " + totalTrainCalls
                    + " (total steps must exceed the warm-up)");
        }
        this.backend = backend;
        this.hp = codec.discrete() ? hyperParameters.forDiscrete() : hyperParameters;
        this.codec = codec;
        this.seed = seed;
        this.arena = backend.newArena();
        LayerContext ctx = LayerContext.of(backend, arena);
        int interval = hp.generic().targetUpdateInterval();
        long encoderSteps = Math.ceilDiv(totalTrainCalls, interval) * (long) interval;
        this.net = new MrqModel(ctx, hp, hp.networkConfig(obsDim, codec.dim()), plan, encoderSteps, totalTrainCalls,
                seed);
        int batch = hp.generic().batchSize();
        MrqHyperParameters.Horizons h = hp.horizons();
        MrqHyperParameters.Lap lap = hp.lap();
        this.replay = new ReplayBuffer(backend, new ReplayConfig(replayCapacity, obsDim, codec.dim(), batch,
                Math.max(h.encoder(), h.q()), h.q(), hp.generic().discount(), lap.prioritized(), lap.alpha(),
                lap.minPriority(), seed ^ 0x5EEDL));
        this.encoderUpdate = new EncoderUpdate(backend, arena, net, hp, batch);
        this.valueUpdate = new ValueUpdate(backend, arena, net, hp, codec.discrete(), batch, seed);
        this.policyUpdate = new PolicyUpdate(backend, arena, net, hp, codec.discrete(), batch, seed);
        this.obs1 = arena.f32(1, obsDim);
        this.zsAct = net.zs().newPass(1);
        this.piAct = net.pi().newPass(1);
        this.preHost = new double[codec.dim()];
    }

    public MrqHyperParameters hyperParameters() {
        return hp;
    }

    @Override
    public String name() {
        return "mrq";
    }

    @Override
    public double[] act(double[] obs, boolean explore) {
        obs1.copyFrom(obs);
        piAct.forward(zsAct.forward(obs1)).copyTo(preHost);
        long n = explore ? acts++ : -1;
        return codec.discrete() ? discreteAction(explore, n) : continuousAction(explore, n);
    }

    /** a = clip(tanh(π(f(s))) + N(0, σ²), −1, 1), the noise only when exploring. */
    private double[] continuousAction(boolean explore, long n) {
        double sigma = hp.exploration().noise();
        double[] a = new double[preHost.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.tanh(preHost[i]);
            if (explore) {
                a[i] = Math.max(-1, Math.min(1, a[i] + sigma * Philox.normal(seed, ACT_NOISE_STREAM, n * a.length + i)));
            }
        }
        return a;
    }

    /**
     * Evaluation: the argmax of π(f(s)). Exploration: the argmax of a Gumbel-softmax sample of π(f(s)) plus
     * N(0, σ²) noise, as MR.Q acts on the policy's relaxed one-hot.
     */
    private double[] discreteAction(boolean explore, long n) {
        int k = preHost.length;
        double[] score = preHost.clone();
        if (explore) {
            double tau = hp.policy().gumbelTau();
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < k; i++) {
                double u = Philox.toOpenUniform(Philox.word(seed, ACT_GUMBEL_STREAM, n * k + i));
                score[i] = (score[i] - Math.log(-Math.log(u))) / tau;
                max = Math.max(max, score[i]);
            }
            double sum = 0;
            for (int i = 0; i < k; i++) {
                score[i] = Math.exp(score[i] - max);
                sum += score[i];
            }
            double sigma = hp.exploration().noise();
            for (int i = 0; i < k; i++) {
                score[i] = score[i] / sum + sigma * Philox.normal(seed, ACT_NOISE_STREAM, n * k + i);
            }
        }
        double[] oneHot = new double[k];
        oneHot[ActionCodec.argmax(score)] = 1;
        return oneHot;
    }

    @Override
    public void observe(double[] obs, double[] action, double reward, double[] nextObs, boolean terminated,
                        boolean truncated) {
        replay.add(obs, action, reward, nextObs, terminated, truncated);
    }

    @Override
    public void train() {
        int interval = hp.generic().targetUpdateInterval();
        if (calls % interval == 0) {
            net.updateTargets();
            targetRewardScale = rewardScale;
            rewardScale = replay.rewardScale();
            for (int i = 0; i < interval; i++) {
                encoderStep();
            }
        }
        valuePolicyStep();
    }

    /**
     * The encoder part of {@link #train()} alone: one encoder update on a freshly sampled batch of sub-trajectories,
     * the step {@code train()} repeats {@code targetUpdateInterval} times every {@code targetUpdateInterval} calls. It
     * refreshes no target and no reward scale, and does not count as a training call. One graphed step.
     *
     * <p>It is public for benchmarks and profilers, which time the encoder burst and the per-call update apart; a
     * training run calls {@link #train()} only.
     */
    public void encoderStep() {
        boolean terminal = replay.hasTerminal();
        backend.graphed(ENCODER_STEP, () -> encoderUpdate.run(replay.sampleSequence(), terminal));
    }

    /**
     * The per-call part of {@link #train()} alone: one value step and one policy step on an n-step batch and that
     * batch's LAP priorities, then the call count moves on; no target refresh and no encoder burst, whatever the
     * count. Sampling, both updates and the priorities are one graphed step: where the backend has graphs, the only
     * host traffic of a training call is the environment's transition, added before it.
     *
     * <p>It is public for benchmarks and profilers (see {@link #encoderStep()}).
     */
    public void valuePolicyStep() {
        backend.graphed(VALUE_POLICY_STEP, this::valueAndPolicyUpdate);
        calls++;
    }

    private void valueAndPolicyUpdate() {
        var batch = replay.sampleNStep();
        lastBatch = batch;
        valueUpdate.run(batch, calls, rewardScale, targetRewardScale);
        policyUpdate.run(valueUpdate.zs(), calls);
        replay.updatePriorities(batch, valueUpdate.tdErrorAbs());
    }

    @Override
    public long trainCalls() {
        return calls;
    }

    @Override
    public List<SparseModule> modules() {
        return net.trained();
    }

    @Override
    public Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        double[] enc = encoderUpdate.losses();
        m.put("loss/dynamics", enc[0]);
        m.put("loss/reward", enc[1]);
        m.put("loss/done", enc[2]);
        m.put("loss/value", valueUpdate.loss());
        m.put("loss/policy", policyUpdate.loss());
        m.put("reward_scale", rewardScale);
        for (SparseModule sm : net.trained()) {
            var count = sm.module().parameterCount();
            m.put("density/" + sm.module().name(), count.active() / (double) count.total());
        }
        return m;
    }

    @Override
    public UpdateCost updateCost() {
        return UpdateCost.of(net.trained(), hp.generic().batchSize(), 1);
    }

    /**
     * Dormant ratios (τ = 0.1, 0.2), stable rank and feature norm of the encoder's f (on the latest value batch's
     * states), the critic's Q₁ (on g(f(s), a) of that batch) and the policy (on f(s)); NaN before the first update.
     */
    @Override
    public Map<String, Double> diagnostics() {
        Map<String, Double> m = new LinkedHashMap<>();
        if (lastBatch == null) {
            for (String module : List.of("encoder", "critic", "actor")) {
                put(m, module, null);
            }
            return m;
        }
        put(m, "encoder", diagnostics.representation(net.zs(), lastBatch.obs()));
        if (zsaProbe == null) {
            zsaProbe = net.zsa().newPass(hp.generic().batchSize());
        }
        put(m, "critic", diagnostics.representation(net.q1(), zsaProbe.forward(valueUpdate.zsaInput())));
        put(m, "actor", diagnostics.representation(net.pi(), valueUpdate.zs()));
        return m;
    }

    private static void put(Map<String, Double> m, String module, RepresentationStats s) {
        for (double tau : Diagnostics.DORMANT_TAUS) {
            m.put("dormant_" + tau + "/" + module, s == null ? Double.NaN : s.dormantAt(tau).ratio());
        }
        m.put("srank/" + module, s == null ? Double.NaN : s.stableRank());
        m.put("feature_norm/" + module, s == null ? Double.NaN : s.featureNorm());
    }

    /** The replay buffer (for diagnostics and tests). */
    public ReplayBuffer replay() {
        return replay;
    }

    @Override
    public void save(Path dir) {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("calls", calls);
        s.put("acts", acts);
        s.put("reward_scale", rewardScale);
        s.put("target_reward_scale", targetRewardScale);
        ArrayNode enc = s.putArray("encoder_losses");
        for (double x : encoderUpdate.losses()) {
            enc.add(x);
        }
        AgentSnapshot.save(dir, name(), net.allModules(), replay, s);
    }

    @Override
    public void load(Path dir) {
        JsonNode s = AgentSnapshot.load(dir, name(), net.allModules(), replay, state -> {
            for (String k : List.of("calls", "acts", "reward_scale", "target_reward_scale")) {
                if (!state.path(k).isNumber()) {
                    throw new IllegalArgumentException("agent state lacks '" + k + "'");
                }
            }
            if (state.path("encoder_losses").size() != 3) {
                throw new IllegalArgumentException("agent state lacks the three encoder losses");
            }
        });
        calls = s.path("calls").asLong();
        acts = s.path("acts").asLong();
        rewardScale = s.path("reward_scale").asDouble();
        targetRewardScale = s.path("target_reward_scale").asDouble();
        JsonNode enc = s.path("encoder_losses");
        encoderUpdate.restoreLosses(new double[]{enc.path(0).asDouble(), enc.path(1).asDouble(),
                enc.path(2).asDouble()});
    }

    @Override
    public void close() {
        replay.close();
        arena.close();
    }
}
