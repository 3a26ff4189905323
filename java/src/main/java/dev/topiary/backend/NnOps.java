package dev.topiary.backend;

import static dev.topiary.backend.Check.fail;

/** Neural-network layers other than the matrix products: activations, LayerNorm, softmax, two-hot encoding. */
public abstract class NnOps extends OpFamily {

    /**
     * Activation functions. {@code ELU(x) = x if x > 0 else exp(x) − 1} (α = 1);
     * {@code SOFTPLUS(x) = ln(1 + exp(x))}, computed without overflow.
     */
    public enum Activation { IDENTITY, RELU, ELU, TANH, SOFTPLUS }

    protected NnOps(Backend backend) {
        super(backend);
    }

    /** {@code y = f(x)}; may run in place. */
    public final void activation(Activation f, Tensor x, Tensor y) {
        String op = "activation(" + f + ")";
        Check.notNull(op, "f", f);
        Check.sameF32(op, "x", x, "y", y);
        owned(op, x, y);
        activationImpl(f, x, y);
    }

    /**
     * {@code dx = dy ⊙ f'(x)}, given the forward input x and output y (each function reads what it needs). dx may be
     * dy.
     */
    public final void activationBackward(Activation f, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        String op = "activationBackward(" + f + ")";
        Check.notNull(op, "f", f);
        Check.sameF32(op, "x", x, "y", y);
        Check.sameF32(op, "x", x, "dy", dy);
        Check.sameF32(op, "x", x, "dx", dx);
        owned(op, x, y, dy, dx);
        activationBackwardImpl(f, x, y, dy, dx);
    }

    /**
     * Row-wise LayerNorm: {@code y = (x − μ) · rstd ⊙ γ + β}, {@code rstd = 1/sqrt(var + eps)} with the biased
     * variance. gamma and beta ({@code [1×cols]}) are both given or both null (MR.Q's LayerNorm has no affine
     * parameters). mean and rstd ({@code F32[rows×1]}) are saved for the backward pass.
     */
    public final void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y, Tensor mean, Tensor rstd) {
        String op = "layerNorm";
        Check.sameF32(op, "x", x, "y", y);
        checkAffine(op, x, gamma, beta);
        Check.positive(op, "eps", eps);
        Check.f32(op, "mean", mean, x.rows(), 1);
        Check.f32(op, "rstd", rstd, x.rows(), 1);
        owned(op, x, gamma, beta, y, mean, rstd);
        layerNormImpl(x, gamma, beta, eps, y, mean, rstd);
    }

    /**
     * Gradient of {@link #layerNorm}: writes dx and, when the norm is affine, dgamma and dbeta ({@code [1×cols]},
     * overwritten).
     */
    public final void layerNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dx,
                                        Tensor dgamma, Tensor dbeta) {
        String op = "layerNormBackward";
        Check.sameF32(op, "x", x, "dy", dy);
        Check.sameF32(op, "x", x, "dx", dx);
        Check.f32(op, "mean", mean, x.rows(), 1);
        Check.f32(op, "rstd", rstd, x.rows(), 1);
        if (gamma != null) {
            Check.f32(op, "gamma", gamma, 1, x.cols());
            Check.f32(op, "dgamma", dgamma, 1, x.cols());
            Check.f32(op, "dbeta", dbeta, 1, x.cols());
        } else if (dgamma != null || dbeta != null) {
            throw fail(op, "dgamma/dbeta given for a LayerNorm without affine parameters");
        }
        Check.distinct(op, "dx", dx, "x", x);
        owned(op, dy, x, gamma, mean, rstd, dx, dgamma, dbeta);
        layerNormBackwardImpl(dy, x, gamma, mean, rstd, dx, dgamma, dbeta);
    }

    /** Row-wise softmax, max-subtracted. */
    public final void softmax(Tensor x, Tensor y) {
        Check.sameF32("softmax", "x", x, "y", y);
        owned("softmax", x, y);
        softmaxImpl(x, y, false);
    }

    /** Row-wise log-softmax, {@code x − logsumexp(x)}. */
    public final void logSoftmax(Tensor x, Tensor y) {
        Check.sameF32("logSoftmax", "x", x, "y", y);
        owned("logSoftmax", x, y);
        softmaxImpl(x, y, true);
    }

    /** Gradient of softmax given its output y: {@code dx = y ⊙ (dy − Σ_j dy_j y_j)}. */
    public final void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        Check.sameF32("softmaxBackward", "y", y, "dy", dy);
        Check.sameF32("softmaxBackward", "y", y, "dx", dx);
        owned("softmaxBackward", y, dy, dx);
        softmaxBackwardImpl(y, dy, dx, false);
    }

    /** Gradient of log-softmax given its output y: {@code dx = dy − exp(y) · Σ_j dy_j}. */
    public final void logSoftmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        Check.sameF32("logSoftmaxBackward", "y", y, "dy", dy);
        Check.sameF32("logSoftmaxBackward", "y", y, "dx", dx);
        owned("logSoftmaxBackward", y, dy, dx);
        softmaxBackwardImpl(y, dy, dx, true);
    }

    /**
     * Gumbel-softmax sample: {@code y = softmax((logits + g) / tau)} with {@code g = −ln(−ln u)}, u drawn from the
     * Philox stream ({@code seed}, {@code stream}) at each element's flat index (see {@code RandomOps.uniform}
     * with the open interval (0, 1)). Its gradient is {@link #softmaxBackward} of y, divided by tau.
     */
    public final void gumbelSoftmax(Tensor logits, float tau, long seed, long stream, Tensor y) {
        Check.sameF32("gumbelSoftmax", "logits", logits, "y", y);
        Check.positive("gumbelSoftmax", "tau", tau);
        owned("gumbelSoftmax", logits, y);
        gumbelSoftmaxImpl(logits, tau, seed, stream, y);
    }

    /**
     * Two-hot encoding of each value ({@code values [rows×1]}) over ascending {@code bins [1×nb]}: the value,
     * clamped to {@code [bins[0], bins[nb−1]]}, is split between its two neighbouring bins in proportion to distance,
     * so that {@code Σ_j out_j · bins_j = value}. out is {@code [rows×nb]}.
     */
    public final void twoHot(Tensor values, Tensor bins, Tensor out) {
        String op = "twoHot";
        Check.dtype(op, "values", values, DType.F32);
        if (values.cols() != 1) {
            throw fail(op, "values is " + values.describe() + "; it must be a column [rows×1]");
        }
        Check.dtype(op, "bins", bins, DType.F32);
        if (bins.rows() != 1 || bins.cols() < 2) {
            throw fail(op, "bins is " + bins.describe() + "; it must be a row [1×nb] with nb ≥ 2");
        }
        Check.f32(op, "out", out, values.rows(), bins.cols());
        owned(op, values, bins, out);
        twoHotImpl(values, bins, out);
    }

    private static void checkAffine(String op, Tensor x, Tensor gamma, Tensor beta) {
        if ((gamma == null) != (beta == null)) {
            throw fail(op, "gamma and beta must both be given or both be null");
        }
        if (gamma != null) {
            Check.f32(op, "gamma", gamma, 1, x.cols());
            Check.f32(op, "beta", beta, 1, x.cols());
        }
    }

    protected abstract void activationImpl(Activation f, Tensor x, Tensor y);

    protected abstract void activationBackwardImpl(Activation f, Tensor x, Tensor y, Tensor dy, Tensor dx);

    protected abstract void layerNormImpl(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y, Tensor mean,
                                          Tensor rstd);

    protected abstract void layerNormBackwardImpl(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd,
                                                  Tensor dx, Tensor dgamma, Tensor dbeta);

    protected abstract void softmaxImpl(Tensor x, Tensor y, boolean log);

    protected abstract void softmaxBackwardImpl(Tensor y, Tensor dy, Tensor dx, boolean log);

    protected abstract void gumbelSoftmaxImpl(Tensor logits, float tau, long seed, long stream, Tensor y);

    protected abstract void twoHotImpl(Tensor values, Tensor bins, Tensor out);
}
