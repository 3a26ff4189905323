package dev.topiary.rl.simba;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.backend.Backend;
import dev.topiary.backend.Philox;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import dev.topiary.nn.LayerContext;
import dev.topiary.nn.Network;
import dev.topiary.nn.Pass;
import dev.topiary.rl.ActionCodec;
import dev.topiary.rl.Agent;
import dev.topiary.rl.AgentSnapshot;
import dev.topiary.rl.UpdateCost;
import dev.topiary.rl.replay.ReplayBuffer;
import dev.topiary.rl.replay.ReplayConfig;
import dev.topiary.sparse.SparseModule;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What SimBa SAC and SimBa DDPG do alike, so that the two agents hold only their algorithm: a uniform replay buffer
 * and running observation statistics fed by {@link #observe}; {@link #act} normalising the observation and running
 * the actor's {@code pi} on it; {@link #train} running {@code updatesPerStep} updates (UTD), each one graphed step
 * after the statistics are uploaded; checkpoints holding the modules, the replay buffer and a state document with the
 * counters, the statistics and the metric scalars; and the density metrics.
 *
 * <p>An algorithm supplies its networks and its update as factories the constructor calls (in the order the parts
 * have always been built: networks, normaliser, replay, update, act buffers), turns the actor's output into an
 * action ({@link #action}), names its update's metrics ({@link #putUpdateMetrics}), and may keep state of its own in
 * the checkpoint ({@link #putOwnState}, {@link #checkOwnState}, {@link #restoreOwnState}).
 *
 * <p>Counters: {@code calls} counts training calls, {@code acts} exploratory acts; both are checkpointed, and every
 * random draw is keyed by one of them, so a resumed run draws exactly what an uninterrupted one would.
 *
 * @param <H> the algorithm's hyper-parameters
 * @param <N> the algorithm's networks
 * @param <U> the algorithm's update
 */
public abstract class SimbaAgent<H extends SimbaHyperParameters, N extends SimbaNetworks, U extends SimbaUpdate>
        implements Agent {

    /**
     * How an algorithm is named: {@code name} in checkpoints and {@link #name()}, {@code displayName} in messages,
     * {@code updateStep} the graphed step's key (see {@link Backend#graphed}).
     */
    public record Algorithm(String name, String displayName, String updateStep) {
    }

    /** Builds the networks in the agent's context; the modules' T is {@code moduleSteps}. */
    @FunctionalInterface
    public interface NetworkFactory<N> {
        N build(LayerContext ctx, long moduleSteps);
    }

    /** Builds the update on the agent's arena ({@code normalizer} is null when normalisation is off). */
    @FunctionalInterface
    public interface UpdateFactory<N, U> {
        U create(TensorArena arena, N networks, ObservationNormalizer normalizer);
    }

    private static final long REPLAY_SEED = 0x5EEDL;

    private final Algorithm algorithm;
    private final Backend backend;
    private final H hp;
    private final long seed;
    private final int actionDim;
    private final TensorArena arena;
    private final N net;
    private final ObservationNormalizer normalizer;
    private final ReplayBuffer replay;
    private final U update;
    private final Tensor obs1;
    private final Tensor obs1Normalised;
    private final Pass piAct;
    private final double[] policyOutput;
    private long calls;
    private long acts;

    /**
     * @param totalTrainCalls the run's training calls (environment steps after the warm-up); each module's T is
     *                        this times {@code updatesPerStep}
     */
    protected SimbaAgent(Algorithm algorithm, Backend backend, int obsDim, ActionCodec codec, H hyperParameters,
                         long totalTrainCalls, int replayCapacity, long seed, NetworkFactory<N> networks,
                         UpdateFactory<N, U> updates) {
        if (codec.discrete()) {
            throw new IllegalArgumentException(algorithm.displayName() + " acts in continuous (Box) action spaces "
                    + "only; use MR.Q for discrete actions");
        }
        if (totalTrainCalls < 1) {
            throw new IllegalArgumentException(algorithm.displayName() + " needs at least one training call, got "
                    + totalTrainCalls + " (total steps must exceed the warm-up)");
        }
        this.algorithm = algorithm;
        this.backend = backend;
        this.hp = hyperParameters;
        this.seed = seed;
        this.actionDim = codec.dim();
        this.arena = backend.newArena();
        SimbaSettings.Generic g = hp.generic();
        this.net = networks.build(LayerContext.of(backend, arena), totalTrainCalls * g.updatesPerStep());
        this.normalizer = hp.normalizeObservations() ? new ObservationNormalizer(backend, arena, obsDim) : null;
        this.replay = new ReplayBuffer(backend, new ReplayConfig(replayCapacity, obsDim, actionDim, g.batchSize(), 1,
                1, g.discount(), false, 1, 1, seed ^ REPLAY_SEED));
        this.update = updates.create(arena, net, normalizer);
        this.obs1 = arena.f32(1, obsDim);
        this.obs1Normalised = arena.f32(1, obsDim);
        Network pi = net.actor().module().network("pi");
        this.piAct = pi.newPass(1);
        this.policyOutput = new double[pi.outFeatures()];
    }

    public final H hyperParameters() {
        return hp;
    }

    @Override
    public final String name() {
        return algorithm.name();
    }

    /** The networks, for the algorithm and for tests. */
    protected final N net() {
        return net;
    }

    /** The update, for the algorithm's metrics and state. */
    protected final U update() {
        return update;
    }

    protected final int actionDim() {
        return actionDim;
    }

    /**
     * The standard normal draw for component {@code i} of exploratory act {@code actIndex} from the Philox stream
     * {@code stream}: the agent's seed and the act counter key it, so a resumed run explores as an uninterrupted one.
     */
    protected final double actNoise(long stream, long actIndex, int i) {
        return Philox.normal(seed, stream, actIndex * actionDim + i);
    }

    @Override
    public final double[] act(double[] obs, boolean explore) {
        obs1.copyFrom(obs);
        Tensor in = obs1;
        if (normalizer != null) {
            normalizer.apply(obs1, obs1Normalised);
            in = obs1Normalised;
        }
        piAct.forward(in).copyTo(policyOutput);
        return action(policyOutput, explore, explore ? acts++ : -1);
    }

    /**
     * The action (a fresh array in [−1, 1]^|A|) from the actor's outputs on one observation; exploratory acts get
     * their index in the act counter to key their noise ({@link #actNoise}), deterministic ones −1.
     */
    protected abstract double[] action(double[] policyOutput, boolean explore, long actIndex);

    @Override
    public final void observe(double[] obs, double[] action, double reward, double[] nextObs, boolean terminated,
                              boolean truncated) {
        replay.add(obs, action, reward, nextObs, terminated, truncated);
        if (normalizer != null) {
            normalizer.update(obs);
        }
    }

    @Override
    public final void train() {
        // The statistics go up before the graphed step, so the step itself moves nothing between host and device.
        if (normalizer != null) {
            normalizer.uploadIfStale();
        }
        int utd = hp.generic().updatesPerStep();
        for (int k = 0; k < utd; k++) {
            long n = calls * utd + k;
            // Sampling, the update's steps and the target updates: one device graph where the backend has them.
            backend.graphed(algorithm.updateStep(), () -> update.run(replay.sampleNStep(), n));
        }
        calls++;
    }

    @Override
    public final UpdateCost updateCost() {
        return UpdateCost.of(modules(), hp.generic().batchSize(), hp.generic().updatesPerStep());
    }

    @Override
    public final long trainCalls() {
        return calls;
    }

    @Override
    public final List<SparseModule> modules() {
        return List.of(net.critic(), net.actor());
    }

    /** The update's metrics first (from {@link #putUpdateMetrics}), then each trained module's density. */
    @Override
    public final Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        putUpdateMetrics(m);
        for (SparseModule sm : modules()) {
            var count = sm.module().parameterCount();
            m.put("density/" + sm.module().name(), count.active() / (double) count.total());
        }
        return m;
    }

    /** Puts the losses and statistics of the last update into {@code m}, in the order the logs show them. */
    protected abstract void putUpdateMetrics(Map<String, Double> m);

    /** The replay buffer (for diagnostics and tests). */
    public final ReplayBuffer replay() {
        return replay;
    }

    /** The observation statistics, or null when normalisation is off. */
    public final ObservationNormalizer normalizer() {
        return normalizer;
    }

    /**
     * The state document's keys, in this order: {@code calls}, {@code acts}, the algorithm's own
     * ({@link #putOwnState}), {@code normalizer} (when on), {@code metric_scalars}.
     */
    @Override
    public final void save(Path dir) {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("calls", calls);
        s.put("acts", acts);
        putOwnState(s);
        if (normalizer != null) {
            StateArrays.put(s, "normalizer", normalizer.state());
        }
        StateArrays.put(s, "metric_scalars", StateArrays.scalars(update.metricTensors()));
        AgentSnapshot.save(dir, name(), net.checkpointModules(), replay, s);
    }

    @Override
    public final void load(Path dir) {
        JsonNode s = AgentSnapshot.load(dir, name(), net.checkpointModules(), replay, this::checkState);
        calls = s.path("calls").asLong();
        acts = s.path("acts").asLong();
        restoreOwnState(s);
        if (normalizer != null) {
            normalizer.restore(StateArrays.get(s, "normalizer", normalizer.state().length));
        }
        Tensor[] ts = update.metricTensors();
        StateArrays.restoreScalars(ts, StateArrays.get(s, "metric_scalars", ts.length));
    }

    /** Checks that the state document holds everything {@link #load} restores (before anything changes). */
    private void checkState(JsonNode s) {
        checkOwnState(s);
        if (normalizer != null) {
            StateArrays.get(s, "normalizer", normalizer.state().length);
        }
        StateArrays.get(s, "metric_scalars", update.metricTensors().length);
        if (!s.path("calls").canConvertToLong() || !s.path("acts").canConvertToLong()) {
            throw new IllegalArgumentException("agent state lacks the calls/acts counters");
        }
    }

    /** Writes the algorithm's own state into the checkpoint's state document; none by default. */
    protected void putOwnState(ObjectNode state) {
    }

    /**
     * Throws {@link IllegalArgumentException} when the state document lacks what {@link #restoreOwnState} reads; it
     * runs before anything is restored, so a bad checkpoint leaves the agent unchanged.
     */
    protected void checkOwnState(JsonNode state) {
    }

    /** Restores what {@link #putOwnState} wrote (already checked by {@link #checkOwnState}). */
    protected void restoreOwnState(JsonNode state) {
    }

    @Override
    public final void close() {
        replay.close();
        arena.close();
    }
}
