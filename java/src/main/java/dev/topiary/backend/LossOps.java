package dev.topiary.backend;

import static dev.topiary.backend.Check.fail;

/**
 * Losses reduced to a mean, each writing the loss into a {@code 1×1} tensor and, when {@code grad} is not null, the
 * gradient of that mean with respect to the prediction. Optional per-row weights {@code w [rows×1]} multiply each
 * row's terms (MR.Q masks encoder-rollout steps after a termination this way); the mean still divides by the full
 * count, so a zero weight removes a row's contribution without renormalising.
 */
public abstract class LossOps extends OpFamily {

    protected LossOps(Backend backend) {
        super(backend);
    }

    /**
     * Huber (smooth L1) loss with threshold {@code delta}: per element {@code ½e²/δ} where |e| < δ, else {@code |e| − ½δ},
     * with {@code e = pred − target} (PyTorch's {@code smooth_l1_loss}, β = δ); mean over all elements.
     */
    public final void huber(Tensor pred, Tensor target, float delta, Tensor rowWeights, Tensor loss, Tensor grad) {
        check("huber", pred, target, rowWeights, loss, grad);
        Check.positive("huber", "delta", delta);
        huberImpl(pred, target, delta, rowWeights, loss, grad);
    }

    /** Mean squared error over all elements. */
    public final void mse(Tensor pred, Tensor target, Tensor rowWeights, Tensor loss, Tensor grad) {
        check("mse", pred, target, rowWeights, loss, grad);
        mseImpl(pred, target, rowWeights, loss, grad);
    }

    /**
     * Cross-entropy between {@code softmax(logits)} and target distributions (rows of {@code target}, e.g. two-hot):
     * {@code −(1/rows) Σ_r w_r Σ_j target_rj · log softmax(logits)_rj}; grad is with respect to the logits.
     */
    public final void crossEntropy(Tensor logits, Tensor target, Tensor rowWeights, Tensor loss, Tensor grad) {
        check("crossEntropy", logits, target, rowWeights, loss, grad);
        crossEntropyImpl(logits, target, rowWeights, loss, grad);
    }

    private void check(String op, Tensor pred, Tensor target, Tensor rowWeights, Tensor loss, Tensor grad) {
        Check.sameF32(op, "pred", pred, "target", target);
        if (pred.size() == 0) {
            throw fail(op, "pred is empty (" + pred.describe() + ")");
        }
        if (rowWeights != null) {
            Check.f32(op, "rowWeights", rowWeights, pred.rows(), 1);
        }
        Check.scalar(op, "loss", loss, DType.F32);
        if (grad != null) {
            Check.sameF32(op, "pred", pred, "grad", grad);
            Check.distinct(op, "grad", grad, "target", target);
        }
        owned(op, pred, target, rowWeights, loss, grad);
    }

    protected abstract void huberImpl(Tensor pred, Tensor target, float delta, Tensor rowWeights, Tensor loss,
                                      Tensor grad);

    protected abstract void mseImpl(Tensor pred, Tensor target, Tensor rowWeights, Tensor loss, Tensor grad);

    protected abstract void crossEntropyImpl(Tensor logits, Tensor target, Tensor rowWeights, Tensor loss,
                                             Tensor grad);
}
