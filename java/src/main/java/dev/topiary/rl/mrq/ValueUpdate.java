package dev.topiary.rl.mrq;

import dev.topiary.backend.Backend;
import dev.topiary.backend.ElementOps.Binary;
import dev.topiary.backend.ElementOps.Unary;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import dev.topiary.nn.DenseGradients;
import dev.topiary.nn.Network;
import dev.topiary.rl.replay.NStepBatch;

/**
 * MR.Q's value update (spec §4.2 item 4) on an n-step batch (s, a, R, γⁿ·Π notdone, s'):
 *
 * <pre>
 *   ā = clip(π̄(f̄(s')) + clip(ε, −c, c), −1, 1),  ε ~ N(0, σ²)       (discrete: one-hot of the argmax)
 *   y = [R + γⁿ·notdone · min_k Q̄_k(ḡ(f̄(s'), ā)) · target_reward_scale] / reward_scale
 *   L = mean over both heads of Huber(Q_k(g(f(s), a)), y)
 * </pre>
 *
 * The encoder is not trained by this loss (z_s and z_sa are inputs, as under {@code no_grad}). Also computes the
 * LAP priority input max_k |Q_k − y|. The latest z_s = f(s) stays in {@link #zs()} for the policy update.
 */
final class ValueUpdate {
    private static final long NOISE_STREAM = 0x7A1L << 40;
    private static final long GUMBEL_STREAM = 0x7A2L << 40;

    private final Backend b;
    private final MrqModel net;
    private final boolean discrete;
    private final float policyTau;
    private final float noise;
    private final float noiseClip;
    private final long seed;
    private final Tensor targetAction;
    private final Tensor eps;
    private final Tensor rowMax;
    private final Tensor catTarget;
    private final Tensor cat;
    private final Tensor qMin;
    private final Tensor y;
    private final Tensor dq1;
    private final Tensor dq2;
    private final Tensor err2;
    private final Tensor tdError;
    private final Tensor loss1;
    private final Tensor loss2;
    private final DenseGradients gradients;
    private Tensor zs;

    ValueUpdate(Backend b, TensorArena arena, MrqModel net, MrqHyperParameters hp, boolean discrete, int batch,
                long seed) {
        this.b = b;
        this.net = net;
        this.discrete = discrete;
        this.policyTau = (float) hp.policy().gumbelTau();
        this.noise = (float) hp.targetSmoothing().noise();
        this.noiseClip = (float) hp.targetSmoothing().clip();
        this.seed = seed;
        int a = net.shape.actionDim();
        int zsaIn = net.shape.zs() + net.shape.za();
        this.targetAction = arena.f32(batch, a);
        this.eps = arena.f32(batch, a);
        this.rowMax = arena.f32(batch, 1);
        this.catTarget = arena.f32(batch, zsaIn);
        this.cat = arena.f32(batch, zsaIn);
        this.qMin = arena.f32(batch, 1);
        this.y = arena.f32(batch, 1);
        this.dq1 = arena.f32(batch, 1);
        this.dq2 = arena.f32(batch, 1);
        this.err2 = arena.f32(batch, 1);
        this.tdError = arena.f32(batch, 1);
        this.loss1 = arena.f32(1, 1);
        this.loss2 = arena.f32(1, 1);
        this.gradients = DenseGradients.of(net.q1().pass(batch), net.q2().pass(batch));
    }

    /**
     * One value step on {@code batch} at training call {@code call} (which selects the noise streams), with the
     * reward scales of the current target period.
     */
    void run(NStepBatch batch, long call, double rewardScale, double targetRewardScale) {
        target(batch, call, rewardScale, targetRewardScale);
        Tensor zsa = onlineZsa(batch);
        Tensor q1 = net.q1().forward(zsa);
        Tensor q2 = net.q2().forward(zsa);
        // Huber over the [B×2] pair of heads: each head's mean gets weight 1/2.
        b.losses().huber(q1, y, 1f, null, loss1, dq1);
        b.losses().huber(q2, y, 1f, null, loss2, dq2);
        b.elements().affine(dq1, 0.5f, 0f, dq1);
        b.elements().affine(dq2, 0.5f, 0f, dq2);
        tdError(q1, q2);
        net.q1().backward(dq1, false);
        net.q2().backward(dq2, false);
        net.value.step(gradients);
    }

    /** y, from the target networks. */
    private void target(NStepBatch batch, long call, double rewardScale, double targetRewardScale) {
        Network zsT = net.encoderTarget.network("zs");
        Tensor zsNext = zsT.forward(batch.nextObs());
        Tensor pre = net.policyTarget.network("pi").forward(zsNext);
        b.random().normal(eps, 0f, noise, seed, NOISE_STREAM + call);
        b.elements().clamp(eps, -noiseClip, noiseClip, eps);
        if (discrete) {
            b.nn().gumbelSoftmax(pre, policyTau, seed, GUMBEL_STREAM + call, targetAction);
            b.elements().binary(Binary.ADD, targetAction, eps, targetAction);
            oneHotOfArgmax(targetAction);
        } else {
            b.nn().activation(dev.topiary.backend.NnOps.Activation.TANH, pre, targetAction);
            b.elements().binary(Binary.ADD, targetAction, eps, targetAction);
            b.elements().clamp(targetAction, -1f, 1f, targetAction);
        }
        Tensor za = net.encoderTarget.network("za").forward(targetAction);
        b.elements().concatCols(new Tensor[]{zsNext, za}, catTarget);
        Tensor zsa = net.encoderTarget.network("zsa").forward(catTarget);
        Tensor q1 = net.valueTarget.network("q1").forward(zsa);
        Tensor q2 = net.valueTarget.network("q2").forward(zsa);
        b.elements().binary(Binary.MIN, q1, q2, qMin);
        b.elements().affine(qMin, (float) targetRewardScale, 0f, qMin);
        b.elements().binary(Binary.MUL, qMin, batch.bootstrap(), qMin);
        b.elements().binary(Binary.ADD, qMin, batch.returns(), qMin);
        b.elements().affine(qMin, (float) (1 / rewardScale), 0f, y);
    }

    /** x ← one-hot of each row's maximum: sign(x − rowmax) + 1 is 1 at the maximum, 0 below it. */
    private void oneHotOfArgmax(Tensor x) {
        b.reduce().rows(dev.topiary.backend.ReduceOps.Kind.MAX, x, rowMax);
        b.elements().binary(Binary.SUB, x, rowMax, x);
        b.elements().unary(Unary.SIGN, x, x);
        b.elements().affine(x, 1f, 1f, x);
    }

    /** z_sa = g(f(s), a), no gradient to the encoder. */
    private Tensor onlineZsa(NStepBatch batch) {
        zs = net.zs().forward(batch.obs());
        Tensor za = net.za().forward(batch.action());
        b.elements().concatCols(new Tensor[]{zs, za}, cat);
        return net.zsa().forward(cat);
    }

    private void tdError(Tensor q1, Tensor q2) {
        b.elements().binary(Binary.SUB, q1, y, tdError);
        b.elements().unary(Unary.ABS, tdError, tdError);
        b.elements().binary(Binary.SUB, q2, y, err2);
        b.elements().unary(Unary.ABS, err2, err2);
        b.elements().binary(Binary.MAX, tdError, err2, tdError);
    }

    /** max_k |Q_k − y| of the last step, {@code [B×1]}: LAP's priority input. */
    Tensor tdErrorAbs() {
        return tdError;
    }

    /** [f(s), h(a)] of the last step's batch: the input of z_sa (for diagnostics). */
    Tensor zsaInput() {
        return cat;
    }

    /** f(s) of the last step's batch. */
    Tensor zs() {
        return zs;
    }

    /** The value loss of the last step (mean over both heads). */
    double loss() {
        return 0.5 * (loss1.scalar() + loss2.scalar());
    }
}
