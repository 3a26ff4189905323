package dev.topiary.rl.mrq;

import dev.topiary.backend.Backend;
import dev.topiary.backend.ElementOps.Binary;
import dev.topiary.backend.NnOps.Activation;
import dev.topiary.backend.ReduceOps.Kind;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import dev.topiary.nn.DenseGradients;

/**
 * MR.Q's policy update (spec §4.2 item 4):
 *
 * <pre>
 *   a = tanh(π(z_s))          (discrete: Gumbel-softmax(π(z_s), τ))
 *   L = −mean over batch and both heads of Q_k(g(z_s, a)) + λ_pre · mean(π(z_s)²)
 * </pre>
 *
 * z_s comes from the value update's batch (no gradient into f). The encoder's g and both value heads are frozen for
 * this step: the gradient passes through them into the action and on into π, and only π is updated.
 */
final class PolicyUpdate {
    private static final long GUMBEL_STREAM = 0x7A3L << 40;

    private final Backend b;
    private final MrqModel net;
    private final boolean discrete;
    private final float tau;
    private final float preWeight;
    private final long seed;
    private final Tensor action;
    private final Tensor cat;
    private final Tensor dq;
    private final Tensor dZsa;
    private final Tensor dZa;
    private final Tensor dAction;
    private final Tensor dPre;
    private final Tensor qMean1;
    private final Tensor qMean2;
    private final Tensor preSq;
    private final DenseGradients gradients;

    PolicyUpdate(Backend b, TensorArena arena, MrqModel net, MrqHyperParameters hp, boolean discrete, int batch,
                 long seed) {
        this.b = b;
        this.net = net;
        this.discrete = discrete;
        this.tau = (float) hp.policy().gumbelTau();
        this.preWeight = (float) hp.policy().preActivationWeight();
        this.seed = seed;
        int a = net.shape.actionDim();
        this.action = arena.f32(batch, a);
        this.cat = arena.f32(batch, net.shape.zs() + net.shape.za());
        this.dq = arena.f32(batch, 1);
        this.dZsa = arena.f32(batch, net.shape.zsa());
        this.dZa = arena.f32(batch, net.shape.za());
        this.dAction = arena.f32(batch, a);
        this.dPre = arena.f32(batch, a);
        this.qMean1 = arena.f32(1, 1);
        this.qMean2 = arena.f32(1, 1);
        this.preSq = arena.f32(1, 1);
        // −mean over B rows and 2 heads: each Q entry's gradient is −1/(2B).
        b.elements().fill(dq, -1.0 / (2.0 * batch));
        this.gradients = DenseGradients.of(net.pi().pass(batch));
    }

    /** One policy step from {@code zs} = f(s) ({@code [B×z_s]}) at training call {@code call}. */
    void run(Tensor zs, long call) {
        Tensor pre = net.pi().forward(zs);
        if (discrete) {
            b.nn().gumbelSoftmax(pre, tau, seed, GUMBEL_STREAM + call, action);
        } else {
            b.nn().activation(Activation.TANH, pre, action);
        }
        net.encoder.module().setTrainable(false);
        net.value.module().setTrainable(false);
        try {
            Tensor za = net.za().forward(action);
            b.elements().concatCols(new Tensor[]{zs, za}, cat);
            Tensor zsa = net.zsa().forward(cat);
            Tensor q1 = net.q1().forward(zsa);
            Tensor q2 = net.q2().forward(zsa);
            b.reduce().all(Kind.MEAN, q1, qMean1);
            b.reduce().all(Kind.MEAN, q2, qMean2);
            b.elements().copy(net.q1().backward(dq, true), dZsa);
            b.elements().binary(Binary.ADD, dZsa, net.q2().backward(dq, true), dZsa);
            Tensor dCat = net.zsa().backward(dZsa, true);
            b.elements().sliceCols(dCat, net.shape.zs(), dZa);
            Tensor da = net.za().backward(dZa, true);
            actionBackward(pre, da);
        } finally {
            net.encoder.module().setTrainable(true);
            net.value.module().setTrainable(true);
        }
        penalty(pre);
        net.pi().backward(dPre, false);
        net.policy.step(gradients);
    }

    /** dPre from the action gradient: tanh's derivative, or Gumbel-softmax's (softmax's, divided by τ). */
    private void actionBackward(Tensor pre, Tensor da) {
        b.elements().copy(da, dAction);
        if (discrete) {
            b.nn().softmaxBackward(action, dAction, dPre);
            b.elements().affine(dPre, 1f / tau, 0f, dPre);
        } else {
            b.nn().activationBackward(Activation.TANH, pre, action, dAction, dPre);
        }
    }

    /** dPre += ∂/∂pre of λ · mean(pre²) = 2λ·pre / (B·|A|). */
    private void penalty(Tensor pre) {
        b.reduce().all(Kind.SUM_SQUARES, pre, preSq);
        b.elements().axpby((float) (2.0 * preWeight / pre.size()), pre, 1f, dPre, dPre);
    }

    /** The policy loss of the last step. */
    double loss() {
        return -0.5 * (qMean1.scalar() + qMean2.scalar());
    }

    /** mean(pre²) of the last step, the penalty's argument. */
    double preActivationMeanSquare(int size) {
        return preSq.scalar() / size;
    }
}
