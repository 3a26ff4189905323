package dev.topiary.rl.mrq;

import dev.topiary.backend.Backend;
import dev.topiary.backend.ElementOps.Binary;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import dev.topiary.nn.DenseGradients;
import dev.topiary.nn.Pass;
import dev.topiary.rl.replay.SequenceBatch;

import java.util.ArrayList;
import java.util.List;

/**
 * MR.Q's encoder update (spec §4.2 item 3) on a batch of sub-trajectories s_0, a_0, r_0, …, s_H:
 *
 * <pre>
 *   ẑ_0 = f(s_0);   (d̂_t, ẑ_{t+1}, r̂_t) = m(g(ẑ_t, a_t))        for t = 0 … H−1
 *   L = Σ_t mask_t · [ λ_dyn MSE(ẑ_{t+1}, f̄(s_{t+1})) + λ_r CE(r̂_t, TwoHot(r_t)) + λ_d MSE(d̂_t, done_t) ]
 * </pre>
 *
 * where mask_t is 1 until a termination inside the window, and the done term counts only once the buffer has seen a
 * terminal transition. The rollout feeds each prediction ẑ back in, so backward runs through time: each step's
 * gradient with respect to its input ẑ_t joins the dynamics gradient of the step before. Every application of a
 * network has its own {@link Pass}, allocated once.
 */
final class EncoderUpdate {
    private final Backend b;
    private final MrqModel net;
    private final MrqHyperParameters.EncoderLoss w;
    private final int horizon;
    private final int zsDim;
    private final Pass zsPass;
    private final Pass[] targetPasses;
    private final Pass[] zaPasses;
    private final Pass[] zsaPasses;
    private final Pass[] modelPasses;
    private final Tensor bins;
    private final Tensor[] cat;
    private final Tensor[] done;
    private final Tensor[] zhat;
    private final Tensor[] logits;
    private final Tensor doneTarget;
    private final Tensor twoHot;
    private final Tensor dDone;
    private final Tensor dZhat;
    private final Tensor dLogits;
    private final Tensor dOut;
    private final Tensor carry;
    private final Tensor dZa;
    private final Tensor term;
    private final Tensor dynamicsLoss;
    private final Tensor rewardLoss;
    private final Tensor doneLoss;
    private final DenseGradients gradients;

    EncoderUpdate(Backend b, TensorArena arena, MrqModel net, MrqHyperParameters hp, int batch) {
        this.b = b;
        this.net = net;
        this.w = hp.encoderLoss();
        this.horizon = hp.horizons().encoder();
        this.zsDim = net.shape.zs();
        int zaDim = net.shape.za();
        int nb = hp.rewardModel().bins();
        this.zsPass = net.zs().newPass(batch);
        this.targetPasses = new Pass[horizon];
        this.zaPasses = new Pass[horizon];
        this.zsaPasses = new Pass[horizon];
        this.modelPasses = new Pass[horizon];
        this.cat = new Tensor[horizon];
        this.done = new Tensor[horizon];
        this.zhat = new Tensor[horizon];
        this.logits = new Tensor[horizon];
        for (int t = 0; t < horizon; t++) {
            targetPasses[t] = net.encoderTarget.network("zs").newPass(batch);
            zaPasses[t] = net.za().newPass(batch);
            zsaPasses[t] = net.zsa().newPass(batch);
            modelPasses[t] = net.dynamics().newPass(batch);
            cat[t] = arena.f32(batch, zsDim + zaDim);
            done[t] = arena.f32(batch, 1);
            zhat[t] = arena.f32(batch, zsDim);
            logits[t] = arena.f32(batch, nb);
        }
        this.bins = arena.f32(1, nb, rewardBins(hp.rewardModel()));
        this.doneTarget = arena.f32(batch, 1);
        this.twoHot = arena.f32(batch, nb);
        this.dDone = arena.f32(batch, 1);
        this.dZhat = arena.f32(batch, zsDim);
        this.dLogits = arena.f32(batch, nb);
        this.dOut = arena.f32(batch, 1 + zsDim + nb);
        this.carry = arena.f32(batch, zsDim);
        this.dZa = arena.f32(batch, zaDim);
        this.term = arena.f32(1, 1);
        this.dynamicsLoss = arena.f32(1, 1);
        this.rewardLoss = arena.f32(1, 1);
        this.doneLoss = arena.f32(1, 1);
        List<Pass> all = new ArrayList<>(List.of(zsPass));
        all.addAll(List.of(zaPasses));
        all.addAll(List.of(zsaPasses));
        all.addAll(List.of(modelPasses));
        this.gradients = DenseGradients.of(all.toArray(Pass[]::new));
    }

    /** symexp(linspace(lower, upper, bins)): the reward model's two-hot support. */
    static float[] rewardBins(MrqHyperParameters.RewardModel r) {
        float[] v = new float[r.bins()];
        for (int i = 0; i < v.length; i++) {
            double x = r.lower() + (r.upper() - r.lower()) * i / (v.length - 1);
            v[i] = (float) (Math.signum(x) * Math.expm1(Math.abs(x)));
        }
        return v;
    }

    /** One optimizer step of the encoder on {@code batch}; {@code useDone}: the buffer has seen a termination. */
    void run(SequenceBatch batch, boolean useDone) {
        forward(batch);
        backward(batch, useDone);
        net.encoder.step(gradients);
    }

    private void forward(SequenceBatch s) {
        Tensor pred = zsPass.forward(s.obs(0));
        for (int t = 0; t < horizon; t++) {
            Tensor za = zaPasses[t].forward(s.action(t));
            b.elements().concatCols(new Tensor[]{pred, za}, cat[t]);
            Tensor out = modelPasses[t].forward(zsaPasses[t].forward(cat[t]));
            b.elements().sliceCols(out, 0, done[t]);
            b.elements().sliceCols(out, 1, zhat[t]);
            b.elements().sliceCols(out, 1 + zsDim, logits[t]);
            pred = zhat[t];
        }
    }

    private void backward(SequenceBatch s, boolean useDone) {
        b.elements().fill(dynamicsLoss, 0);
        b.elements().fill(rewardLoss, 0);
        b.elements().fill(doneLoss, 0);
        for (int t = horizon - 1; t >= 0; t--) {
            Tensor mask = s.lossMask(t);
            Tensor target = targetPasses[t].forward(s.obs(t + 1));
            b.losses().mse(zhat[t], target, mask, term, dZhat);
            accumulate(dynamicsLoss, term, (float) w.dynamics(), dZhat);
            if (t < horizon - 1) {
                b.elements().binary(Binary.ADD, dZhat, carry, dZhat);
            }
            b.nn().twoHot(s.reward(t), bins, twoHot);
            b.losses().crossEntropy(logits[t], twoHot, mask, term, dLogits);
            accumulate(rewardLoss, term, (float) w.reward(), dLogits);
            if (useDone) {
                b.elements().affine(s.notDone(t), -1f, 1f, doneTarget);
                b.losses().mse(done[t], doneTarget, mask, term, dDone);
                accumulate(doneLoss, term, (float) w.done(), dDone);
            } else {
                b.elements().fill(dDone, 0);
            }
            b.elements().concatCols(new Tensor[]{dDone, dZhat, dLogits}, dOut);
            Tensor dCat = zsaPasses[t].backward(modelPasses[t].backward(dOut, true), true);
            b.elements().sliceCols(dCat, 0, carry);
            b.elements().sliceCols(dCat, zsDim, dZa);
            zaPasses[t].backward(dZa, false);
        }
        zsPass.backward(carry, false);
    }

    /** total += weight · term, and the loss gradient scaled by the same weight. */
    private void accumulate(Tensor total, Tensor term, float weight, Tensor grad) {
        b.elements().axpby(weight, term, 1f, total, total);
        b.elements().affine(grad, weight, 0f, grad);
    }

    /** Weighted dynamics, reward and done losses of the last update, summed over the horizon. */
    double[] losses() {
        return new double[]{dynamicsLoss.scalar(), rewardLoss.scalar(), doneLoss.scalar()};
    }

    /** Sets the losses {@link #losses()} reports, as a resumed run reads them back from its checkpoint. */
    void restoreLosses(double[] losses) {
        dynamicsLoss.copyFrom(new double[]{losses[0]});
        rewardLoss.copyFrom(new double[]{losses[1]});
        doneLoss.copyFrom(new double[]{losses[2]});
    }
}
