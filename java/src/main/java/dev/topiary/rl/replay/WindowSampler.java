package dev.topiary.rl.replay;

import dev.topiary.backend.Backend;
import dev.topiary.backend.ElementOps.Binary;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;

/**
 * Draws start slots and gathers windows entirely with backend ops, so a GPU never waits on the host: Philox
 * uniforms, a sum-tree descent, and row gathers straight into the batch tensors (one table per field, so a step
 * that needs only rewards reads only rewards). The slot after slot i is looked up in a constant successor table
 * ({@code (i + 1) mod capacity}), because the contract has no integer arithmetic; each further step of a window is
 * one more gather of B indices.
 */
final class WindowSampler {
    private final Backend b;
    private final ReplayConfig cfg;
    private final ReplayTables tables;
    private final Tensor tree;
    private final Tensor successor;
    private final Tensor u;
    private final Tensor[] chain;
    private final Tensor reward;
    private final Tensor notDone;
    private final Tensor running;
    final NStepBatch nStep;
    final SequenceBatch sequence;

    WindowSampler(Backend b, TensorArena arena, ReplayConfig cfg, ReplayTables tables, Tensor tree) {
        this.b = b;
        this.cfg = cfg;
        this.tables = tables;
        this.tree = tree;
        int batch = cfg.batchSize();
        int h = cfg.horizon();
        int[] next = new int[cfg.capacity()];
        for (int i = 0; i < next.length; i++) {
            next[i] = (i + 1) % next.length;
        }
        successor = arena.i32(cfg.capacity(), 1);
        successor.copyFrom(next);
        u = arena.f32(batch, 1);
        chain = new Tensor[h + 1];
        for (int k = 1; k <= h; k++) {
            chain[k] = arena.i32(batch, 1);
        }
        reward = arena.f32(batch, 1);
        notDone = arena.f32(batch, 1);
        running = arena.f32(batch, 1);
        nStep = new NStepBatch(arena.i32(batch, 1), arena.f32(batch, cfg.obsDim()), arena.f32(batch, cfg.actionDim()),
                arena.f32(batch, cfg.obsDim()), arena.f32(batch, 1), arena.f32(batch, 1));
        sequence = new SequenceBatch(arena.i32(batch, 1), columns(arena, h + 1, batch, cfg.obsDim()),
                columns(arena, h, batch, cfg.actionDim()), columns(arena, h, batch, 1), columns(arena, h, batch, 1),
                columns(arena, h, batch, 1));
    }

    private static Tensor[] columns(TensorArena arena, int count, int rows, int width) {
        Tensor[] t = new Tensor[count];
        for (int k = 0; k < count; k++) {
            t[k] = arena.f32(rows, width);
        }
        return t;
    }

    /** Start slots proportional to the tree's leaves into {@code starts}, then the following {@code steps} slots. */
    private void draw(Tensor starts, int steps, long stream) {
        b.random().uniform(u, 0f, 1f, cfg.seed(), stream);
        b.sampling().sumTreeSample(tree, u, starts);
        chain[0] = starts;
        for (int k = 1; k <= steps; k++) {
            b.elements().gatherRows(successor, chain[k - 1], chain[k]);
        }
    }

    private void gather(Tensor table, int k, Tensor out) {
        b.elements().gatherRows(table, chain[k], out);
    }

    NStepBatch sampleNStep(long stream) {
        int n = cfg.nStep();
        draw(nStep.indices(), n, stream);
        gather(tables.obs(), 0, nStep.obs());
        gather(tables.action(), 0, nStep.action());
        b.elements().fill(running, 1.0);
        b.elements().fill(nStep.returns(), 0.0);
        double gammaK = 1;
        for (int k = 0; k < n; k++) {
            // return += γ^k · Π_{j<k} notDone_j · r_k, then extend the product with notDone_k.
            gather(tables.reward(), k, reward);
            gather(tables.notDone(), k, notDone);
            b.elements().binary(Binary.MUL, reward, running, reward);
            b.elements().axpby(1f, nStep.returns(), (float) gammaK, reward, nStep.returns());
            b.elements().binary(Binary.MUL, running, notDone, running);
            gammaK *= cfg.discount();
        }
        gather(tables.obs(), n, nStep.nextObs());
        b.elements().affine(running, (float) gammaK, 0f, nStep.bootstrap());
        return nStep;
    }

    SequenceBatch sampleSequence(long stream) {
        int h = cfg.horizon();
        draw(sequence.indices(), h, stream);
        for (int k = 0; k <= h; k++) {
            gather(tables.obs(), k, sequence.obs(k));
            if (k == h) {
                break;
            }
            gather(tables.action(), k, sequence.action(k));
            gather(tables.reward(), k, sequence.reward(k));
            gather(tables.notDone(), k, sequence.notDone(k));
            if (k == 0) {
                b.elements().fill(sequence.lossMask(0), 1.0);
            } else {
                b.elements().binary(Binary.MUL, sequence.lossMask(k - 1), sequence.notDone(k - 1),
                        sequence.lossMask(k));
            }
        }
        return sequence;
    }
}
