package dev.topiary.rl.sac;

import dev.topiary.backend.AdamW;
import dev.topiary.backend.Backend;
import dev.topiary.backend.ElementOps.Binary;
import dev.topiary.backend.ElementOps.Unary;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;

/**
 * SAC's entropy temperature α = exp(log α), learnt on the device (no host round trip per update). SimBa's loss is
 * {@code L(log α) = α · mean(−log π − H̄)} with H̄ the target entropy, so
 * {@code ∂L/∂log α = α · (−mean log π − H̄)}: α falls while the policy's entropy exceeds H̄ and rises below it. The
 * step is Adam (AdamW without decay) on the single value log α.
 */
final class Temperature {
    /** The length of {@link #state()}. */
    static final int STATE_LENGTH = 4;

    private final Backend b;
    private final float targetEntropy;
    private final float invBatch;
    private final AdamW hp;
    private final Tensor logAlpha;
    private final Tensor grad;
    private final Tensor m;
    private final Tensor v;
    private final Tensor step;
    private final Tensor alpha;
    private final Tensor alphaOverBatch;
    private long steps;

    Temperature(Backend b, TensorArena arena, SacHyperParameters.Temperature cfg, double targetEntropy, int batch) {
        this.b = b;
        this.targetEntropy = (float) targetEntropy;
        this.invBatch = 1f / batch;
        this.hp = cfg.lr() > 0 ? AdamW.of((float) cfg.lr(), 0f) : null;
        this.logAlpha = arena.f32(1, 1);
        this.grad = arena.f32(1, 1);
        this.m = arena.f32(1, 1);
        this.v = arena.f32(1, 1);
        this.step = arena.i32(1, 1);
        this.alpha = arena.f32(1, 1);
        this.alphaOverBatch = arena.f32(1, 1);
        b.elements().fill(logAlpha, Math.log(cfg.initial()));
        refresh();
    }

    /** α, {@code [1×1]} on the device. */
    Tensor alpha() {
        return alpha;
    }

    /** α / B, {@code [1×1]}: the weight of each row's log π in a batch-mean loss. */
    Tensor alphaOverBatch() {
        return alphaOverBatch;
    }

    /** One step from {@code meanLogProb} ({@code [1×1]}, the actor batch's mean log π); none at lr 0. */
    void update(Tensor meanLogProb) {
        if (hp == null) {
            return;
        }
        b.elements().affine(meanLogProb, -1f, -targetEntropy, grad);
        b.elements().binary(Binary.MUL, grad, alpha, grad);
        b.optim().incrementStep(step);
        steps++;
        b.optim().adamW(logAlpha, grad, m, v, null, hp, step);
        refresh();
    }

    private void refresh() {
        b.elements().unary(Unary.EXP, logAlpha, alpha);
        b.elements().affine(alpha, invBatch, 0f, alphaOverBatch);
    }

    /** α on the host (a device read: for logging). */
    double value() {
        return alpha.scalar();
    }

    /** For checkpoints: log α, Adam's two moments, the step count; floats held exactly as doubles. */
    double[] state() {
        return new double[]{logAlpha.scalar(), m.scalar(), v.scalar(), steps};
    }

    void restore(double[] s) {
        if (s.length != STATE_LENGTH || !(s[3] >= 0) || s[3] > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("temperature state must be [log α, m, v, steps], got "
                    + java.util.Arrays.toString(s));
        }
        logAlpha.copyFrom(new double[]{s[0]});
        m.copyFrom(new double[]{s[1]});
        v.copyFrom(new double[]{s[2]});
        steps = (long) s[3];
        b.elements().fill(step, steps);
        refresh();
    }
}
