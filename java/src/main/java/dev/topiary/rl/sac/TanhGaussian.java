package dev.topiary.rl.sac;

import dev.topiary.backend.Backend;
import dev.topiary.backend.ElementOps;
import dev.topiary.backend.ElementOps.Binary;
import dev.topiary.backend.ElementOps.Unary;
import dev.topiary.backend.NnOps.Activation;
import dev.topiary.backend.ReduceOps.Kind;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;

/**
 * SAC's squashed Gaussian policy head on a batch, from the actor's pre-activations {@code [B×2|A|]} (means, then
 * raw log-stds), composed from elementwise and reduction ops only:
 *
 * <pre>
 *   log σ = lo + ½(hi − lo)(tanh(x) + 1),   u = μ + σ ⊙ ε,  ε ~ N(0, 1),   a = tanh(u)
 *   log π(a|s) = Σ_i [ −½ε_i² − ½ log 2π − log σ_i − log(1 − tanh² u_i) ]
 * </pre>
 *
 * with {@code log(1 − tanh² u) = 2(log 2 − u − softplus(−2u))}, which stays finite where tanh saturates.
 * {@link #backward} is the reparameterised gradient: for a loss {@code L(a) + Σ_rows w · log π}, with ε held fixed,
 * {@code ∂L/∂u = ∂L/∂a ⊙ (1 − a²) + 2w·a}, {@code ∂L/∂μ = ∂L/∂u} and
 * {@code ∂L/∂log σ = ∂L/∂u ⊙ σ ⊙ ε − w}, then back through the log-std squash.
 */
final class TanhGaussian {
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
    private static final double LOG_2 = Math.log(2);

    private final Backend b;
    private final float lo;
    private final float half;
    private final Tensor mean;
    private final Tensor rawLogStd;
    private final Tensor tanhRaw;
    private final Tensor logStd;
    private final Tensor std;
    private final Tensor eps;
    private final Tensor u;
    private final Tensor action;
    private final Tensor terms;
    private final Tensor tmp;
    private final Tensor logProb;
    private final Tensor du;
    private final Tensor dLogStd;
    private final Tensor dRaw;
    private final Tensor dPre;

    TanhGaussian(Backend b, TensorArena arena, int batch, int actionDim, double logStdMin, double logStdMax) {
        this.b = b;
        this.lo = (float) logStdMin;
        this.half = (float) (0.5 * (logStdMax - logStdMin));
        this.mean = arena.f32(batch, actionDim);
        this.rawLogStd = arena.f32(batch, actionDim);
        this.tanhRaw = arena.f32(batch, actionDim);
        this.logStd = arena.f32(batch, actionDim);
        this.std = arena.f32(batch, actionDim);
        this.eps = arena.f32(batch, actionDim);
        this.u = arena.f32(batch, actionDim);
        this.action = arena.f32(batch, actionDim);
        this.terms = arena.f32(batch, actionDim);
        this.tmp = arena.f32(batch, actionDim);
        this.logProb = arena.f32(batch, 1);
        this.du = arena.f32(batch, actionDim);
        this.dLogStd = arena.f32(batch, actionDim);
        this.dRaw = arena.f32(batch, actionDim);
        this.dPre = arena.f32(batch, 2 * actionDim);
    }

    /** Samples {@link #action()} from {@code pre} with ε from the Philox stream ({@code seed}, {@code stream}). */
    void sample(Tensor pre, long seed, long stream) {
        b.random().normal(eps, 0f, 1f, seed, stream);
        sampleWith(pre);
    }

    /** As {@link #sample}, with the noise already in {@link #eps()} (for tests). */
    void sampleWith(Tensor pre) {
        ElementOps el = b.elements();
        el.sliceCols(pre, 0, mean);
        el.sliceCols(pre, mean.cols(), rawLogStd);
        b.nn().activation(Activation.TANH, rawLogStd, tanhRaw);
        el.affine(tanhRaw, half, lo + half, logStd);
        el.unary(Unary.EXP, logStd, std);
        el.binary(Binary.MUL, std, eps, u);
        el.binary(Binary.ADD, u, mean, u);
        b.nn().activation(Activation.TANH, u, action);
        // −log(1 − tanh² u) = 2(u + softplus(−2u) − log 2)
        el.affine(u, -2f, 0f, tmp);
        b.nn().activation(Activation.SOFTPLUS, tmp, tmp);
        el.binary(Binary.ADD, tmp, u, tmp);
        el.affine(tmp, 2f, (float) (-2 * LOG_2), tmp);
        el.unary(Unary.SQUARE, eps, terms);
        el.affine(terms, -0.5f, (float) -HALF_LOG_2PI, terms);
        el.binary(Binary.SUB, terms, logStd, terms);
        el.binary(Binary.ADD, terms, tmp, terms);
        b.reduce().rows(Kind.SUM, terms, logProb);
    }

    /**
     * The gradient with respect to the pre-activations ({@code [B×2|A|]}) of {@code L(a) + Σ_rows w·log π}, given
     * {@code dAction = ∂L/∂a} ({@code [B×|A|]}) and {@code w} ({@code [1×1]}). Uses the last {@link #sample}.
     */
    Tensor backward(Tensor dAction, Tensor w) {
        ElementOps el = b.elements();
        b.nn().activationBackward(Activation.TANH, u, action, dAction, du);
        el.binary(Binary.MUL, action, w, tmp);
        el.axpby(2f, tmp, 1f, du, du);
        el.binary(Binary.MUL, du, std, dLogStd);
        el.binary(Binary.MUL, dLogStd, eps, dLogStd);
        el.binary(Binary.SUB, dLogStd, w, dLogStd);
        el.affine(dLogStd, half, 0f, dLogStd);
        b.nn().activationBackward(Activation.TANH, rawLogStd, tanhRaw, dLogStd, dRaw);
        el.concatCols(new Tensor[]{du, dRaw}, dPre);
        return dPre;
    }

    /** a = tanh(u), {@code [B×|A|]}. */
    Tensor action() {
        return action;
    }

    /** log π(a|s), {@code [B×1]}. */
    Tensor logProb() {
        return logProb;
    }

    /** ε of the last sample, {@code [B×|A|]}. */
    Tensor eps() {
        return eps;
    }

    /** log σ for a raw actor output x: {@code lo + ½(hi − lo)(tanh(x) + 1)}, on the host (acting). */
    static double logStd(double x, double logStdMin, double logStdMax) {
        return logStdMin + 0.5 * (logStdMax - logStdMin) * (Math.tanh(x) + 1);
    }
}
