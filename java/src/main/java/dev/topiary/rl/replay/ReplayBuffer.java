package dev.topiary.rl.replay;

import dev.topiary.backend.Backend;
import dev.topiary.backend.ElementOps.Binary;
import dev.topiary.backend.ElementOps.Unary;
import dev.topiary.backend.ReduceOps.Kind;
import dev.topiary.backend.SamplingOps;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MR.Q's replay buffer on any backend: a ring of rows in backend memory, sampled with backend ops only.
 *
 * <p><b>Layout.</b> Four tables of {@code capacity} rows: observations, actions, rewards, not-done flags; slot j
 * holds s_j, a_j, r_j and 1 − terminated_j, and the next observation s_{j+1} is the row after it, so an observation
 * is stored once. When an episode ends its final observation takes one extra slot (zero action and reward). Adding
 * a transition uploads one packed row {@code [s | a | r | notDone]}, splits it on the backend and scatters the
 * pieces into place.
 *
 * <p><b>Sampling.</b> A float64 sum tree over the slots holds each start's weight: 0 where no valid sub-trajectory
 * of H transitions starts, else its LAP priority (or 1 for uniform sampling). A sample draws B Philox uniforms,
 * descends the tree, follows a successor table for the next slots and gathers rows; no value returns to the host.
 * A window whose episode terminated inside it stays valid (later steps are masked by not-done); a window that
 * contains a time-limit cut is never sampled, as in MR.Q.
 *
 * <p><b>LAP</b> (Fujimoto et al., 2020): a start enters the tree at the running maximum priority when its window
 * is complete; {@link #updatePriorities} sets {@code max(|δ|, minPriority)^α} for the sampled starts and raises the
 * running maximum, on the device. Sampling is proportional to priority, without importance weights.
 *
 * <p>Not thread-safe. Close it to free its backend memory.
 */
public final class ReplayBuffer implements AutoCloseable {
    private static final long SAMPLE_STREAMS = 0x52L << 56;

    private final Backend b;
    private final ReplayConfig cfg;
    private final TensorArena arena;
    private final ReplayTables tables;
    private final Tensor tree;
    private final Tensor maxPriority;
    private final Tensor staging;
    private final Tensor[] pieces;
    private final Tensor slot;
    private final Tensor changeIdx;
    private final Tensor changeFlags;
    private final Tensor changeValues;
    private final Tensor priority;
    private final Tensor batchMax;
    private final float[] row;
    private final int[] slotHost = new int[1];
    private final int[] changeIdxHost;
    private final float[] changeFlagsHost;
    private final SlotBook book;
    private final WindowSampler sampler;
    private long draws;
    private long generation;

    public ReplayBuffer(Backend backend, ReplayConfig config) {
        this.b = backend;
        this.cfg = config;
        this.arena = backend.newArena();
        int cap = config.capacity();
        this.tables = new ReplayTables(arena.f32(cap, config.obsDim()), arena.f32(cap, config.actionDim()),
                arena.f32(cap, 1), arena.f32(cap, 1));
        this.tree = arena.f64(1, SamplingOps.treeColumns(config.capacity()));
        this.maxPriority = arena.f32(1, 1);
        b.elements().fill(maxPriority, Math.pow(config.minPriority(), config.alpha()));
        this.staging = arena.f32(1, config.rowWidth());
        this.pieces = new Tensor[]{arena.f32(1, config.obsDim()), arena.f32(1, config.actionDim()), arena.f32(1, 1),
                arena.f32(1, 1)};
        this.slot = arena.i32(1, 1);
        int m = config.horizon() + 2;
        this.changeIdx = arena.i32(m, 1);
        this.changeFlags = arena.f32(m, 1);
        this.changeValues = arena.f32(m, 1);
        this.priority = arena.f32(config.batchSize(), 1);
        this.batchMax = arena.f32(1, 1);
        this.row = new float[config.rowWidth()];
        this.changeIdxHost = new int[m];
        this.changeFlagsHost = new float[m];
        this.book = new SlotBook(config.capacity(), config.horizon());
        this.sampler = new WindowSampler(backend, arena, config, tables, tree);
    }

    public ReplayConfig config() {
        return cfg;
    }

    /**
     * Stores one transition (Gymnasium order: s, a, r, s', terminated, truncated). Transitions of an episode must
     * come in order, each {@code obs} being the previous {@code nextObs}; {@code nextObs} is stored only when the
     * episode ends. A discrete action is passed one-hot.
     */
    public void add(double[] obs, double[] action, double reward, double[] nextObs, boolean terminated,
                    boolean truncated) {
        checkRow("obs", obs, cfg.obsDim());
        checkRow("action", action, cfg.actionDim());
        if (!Double.isFinite(reward)) {
            throw new IllegalArgumentException("replay add: reward " + reward + " is not finite");
        }
        boolean ends = terminated || truncated;
        if (ends) {
            checkRow("nextObs", nextObs, cfg.obsDim());
        }
        generation++;
        java.util.Arrays.fill(row, 0f);
        copyInto(obs, 0);
        copyInto(action, cfg.obsDim());
        row[cfg.obsDim() + cfg.actionDim()] = (float) reward;
        row[cfg.obsDim() + cfg.actionDim() + 1] = terminated ? 0f : 1f;
        write(book.writeTransition(Math.abs((float) reward)));
        if (ends) {
            java.util.Arrays.fill(row, 0f);
            copyInto(nextObs, 0);
            row[cfg.obsDim() + cfg.actionDim() + 1] = 1f;
            write(book.writeFinal(terminated));
        }
    }

    private static void checkRow(String name, double[] v, int dim) {
        if (v == null || v.length != dim) {
            throw new IllegalArgumentException("replay add: " + name + " has " + (v == null ? "no" : v.length)
                    + " values, the buffer stores " + dim);
        }
        for (double x : v) {
            if (!Double.isFinite(x)) {
                throw new IllegalArgumentException("replay add: " + name + " holds a non-finite value " + x);
            }
        }
    }

    private void copyInto(double[] v, int at) {
        for (int i = 0; i < v.length; i++) {
            row[at + i] = (float) v[i];
        }
    }

    /** Uploads the staged row, scatters its fields to {@code slotIndex}, and applies the validity changes. */
    private void write(int slotIndex) {
        staging.copyFrom(row);
        slotHost[0] = slotIndex;
        slot.copyFrom(slotHost);
        Tensor[] targets = {tables.obs(), tables.action(), tables.reward(), tables.notDone()};
        int at = 0;
        for (int i = 0; i < pieces.length; i++) {
            b.elements().sliceCols(staging, at, pieces[i]);
            b.elements().scatterRows(pieces[i], slot, targets[i]);
            at += pieces[i].cols();
        }
        int n = book.changes;
        if (n == 0) {
            return;
        }
        // A fixed-size update padded by repeating the last change: the tree keeps the last of repeated indices.
        for (int i = 0; i < changeIdxHost.length; i++) {
            int c = Math.min(i, n - 1);
            changeIdxHost[i] = book.changeSlot[c];
            changeFlagsHost[i] = book.changeValid[c] ? 1f : 0f;
        }
        changeIdx.copyFrom(changeIdxHost);
        changeFlags.copyFrom(changeFlagsHost);
        if (cfg.prioritized()) {
            b.elements().binary(Binary.MUL, changeFlags, maxPriority, changeValues);
            b.sampling().sumTreeSet(tree, changeIdx, changeValues);
        } else {
            b.sampling().sumTreeSet(tree, changeIdx, changeFlags);
        }
    }

    /** A batch of n-step samples (n = {@link ReplayConfig#nStep()}) for the value update. */
    public NStepBatch sampleNStep() {
        requireSamples();
        NStepBatch batch = sampler.sampleNStep(SAMPLE_STREAMS + draws++);
        batch.generation = generation;
        return batch;
    }

    /** A batch of sub-trajectories of H = {@link ReplayConfig#horizon()} transitions for the encoder. */
    public SequenceBatch sampleSequence() {
        requireSamples();
        SequenceBatch batch = sampler.sampleSequence(SAMPLE_STREAMS + draws++);
        batch.generation = generation;
        return batch;
    }

    private void requireSamples() {
        if (book.validCount == 0) {
            throw new IllegalStateException("replay: no complete sub-trajectory of " + cfg.horizon()
                    + " transitions yet (" + book.transitions + " transitions stored); add more before sampling");
        }
    }

    /**
     * LAP: sets the priority of each start of {@code batch} to {@code max(|δ|, minPriority)^α} from
     * {@code absTdError F32[B×1]} (MR.Q passes the larger |δ| of its two critics) and raises the running maximum.
     * Must come before the next {@link #add}. A uniform buffer ignores it.
     */
    public void updatePriorities(ReplayBatch batch, Tensor absTdError) {
        if (absTdError.rows() != cfg.batchSize() || absTdError.cols() != 1) {
            throw new IllegalArgumentException("replay updatePriorities: absTdError is " + absTdError.describe()
                    + " but must be F32[" + cfg.batchSize() + "×1], one |δ| per sampled start");
        }
        if (batch.generation != generation) {
            throw new IllegalStateException("replay updatePriorities: transitions were added since this batch was "
                    + "sampled, so its slots may have been overwritten; update before the next add");
        }
        if (!cfg.prioritized()) {
            return;
        }
        b.elements().clamp(absTdError, (float) cfg.minPriority(), Float.MAX_VALUE, priority);
        if (cfg.alpha() != 1.0) {
            // x^α as exp(α·ln x): the contract has no power op; x ≥ minPriority > 0, so the log is finite.
            b.elements().unary(Unary.LOG, priority, priority);
            b.elements().affine(priority, (float) cfg.alpha(), 0f, priority);
            b.elements().unary(Unary.EXP, priority, priority);
        }
        b.sampling().sumTreeSet(tree, batch.indices(), priority);
        b.reduce().all(Kind.MAX, priority, batchMax);
        b.elements().binary(Binary.MAX, maxPriority, batchMax, maxPriority);
    }

    /** MR.Q's reward scale: mean |r| over the stored transitions, at least 1e-8. Host-side, no device sync. */
    public double rewardScale() {
        return Math.max(book.meanAbsReward(), 1e-8);
    }

    /** Transitions stored (at most the capacity). */
    public long size() {
        return book.transitions;
    }

    /** Slots where a valid sub-trajectory starts. */
    public int validStarts() {
        return book.validCount;
    }

    /** Whether any stored episode terminated (MR.Q uses its done loss only then). */
    public boolean hasTerminal() {
        return book.seenTerminal;
    }

    /**
     * The stored fields by name ({@code obs}, {@code action}, {@code reward}, {@code not_done}), each
     * {@code F32[capacity × width]}: a checkpoint saves them with {@link #saveState()} and loads them back before
     * {@link #restoreState}.
     */
    public Map<String, Tensor> storage() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("obs", tables.obs());
        m.put("action", tables.action());
        m.put("reward", tables.reward());
        m.put("not_done", tables.notDone());
        return m;
    }

    /** The running maximum priority, {@code F32[1×1]} on the backend. */
    public Tensor maxPriority() {
        return maxPriority;
    }

    /** The host-side state for a checkpoint (reads the tree leaves and the running maximum from the backend). */
    public ReplayState saveState() {
        double[] nodes = tree.toDoubles();
        int leafBase = nodes.length / 2;
        float[] leaves = new float[cfg.capacity()];
        for (int i = 0; i < leaves.length; i++) {
            leaves[i] = (float) nodes[leafBase + i];
        }
        return new ReplayState(book.next, book.episodeLength, book.transitions, draws, generation,
                book.seenTerminal, book.kind.clone(), book.absReward.clone(), leaves, (float) maxPriority.scalar());
    }

    /** Continues from {@code state}; {@link #storage()} must already hold the tables saved with it. */
    public void restoreState(ReplayState state) {
        int cap = cfg.capacity();
        if (state.kind().length != cap || state.absReward().length != cap || state.leaves().length != cap
                || state.next() < 0 || state.next() >= cap) {
            throw new IllegalArgumentException("replay restore: the state is for a different capacity (buffer has "
                    + cap + " slots, state " + state.kind().length + ")");
        }
        System.arraycopy(state.kind(), 0, book.kind, 0, cap);
        System.arraycopy(state.absReward(), 0, book.absReward, 0, cap);
        book.next = state.next();
        book.episodeLength = state.episodeLength();
        book.transitions = state.transitions();
        book.seenTerminal = state.seenTerminal();
        book.restoreValidity(state.leaves());
        draws = state.draws();
        generation = state.generation();
        maxPriority.copyFrom(new float[]{state.maxPriority()});
        rebuildTree(state.leaves());
    }

    private void rebuildTree(float[] leaves) {
        b.elements().fill(tree, 0.0);
        int[] all = new int[leaves.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        try (TensorArena tmp = b.newArena()) {
            Tensor idx = tmp.i32(all.length, 1);
            idx.copyFrom(all);
            Tensor values = tmp.f32(all.length, 1, leaves);
            b.sampling().sumTreeSet(tree, idx, values);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
