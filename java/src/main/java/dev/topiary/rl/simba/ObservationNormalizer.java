package dev.topiary.rl.simba;

import dev.topiary.backend.Backend;
import dev.topiary.backend.ElementOps.Binary;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;

/**
 * SimBa's running-statistics observation normalisation: {@code (s − μ) / sqrt(σ² + ε)} per feature, with μ and σ²
 * the running mean and (population) variance of every observation seen so far.
 *
 * <p>The statistics live on the host in float64 (Welford's update, one observation at a time), so a checkpoint
 * stores them as plain doubles and a resumed run normalises exactly as an uninterrupted one. Replay keeps raw
 * observations; batches are normalised when sampled, with the current statistics, as SimBa does. The device copy of
 * μ and 1/sqrt(σ² + ε) ({@code F32[1×d]} each) is refreshed at most once per {@link #apply} after new observations;
 * applying it is two broadcast ops, no host loop over the batch. Before two observations have been seen the
 * variance is taken as 1 (the mean as what was seen).
 */
public final class ObservationNormalizer {
    /** ε under the square root. */
    public static final double EPS = 1e-8;

    private final Backend b;
    private final int dim;
    private final double[] mean;
    private final double[] m2;
    private final Tensor meanDevice;
    private final Tensor invStdDevice;
    private final float[] scratch;
    private long count;
    private boolean stale = true;

    public ObservationNormalizer(Backend backend, TensorArena arena, int dim) {
        this.b = backend;
        this.dim = dim;
        this.mean = new double[dim];
        this.m2 = new double[dim];
        this.meanDevice = arena.f32(1, dim);
        this.invStdDevice = arena.f32(1, dim);
        this.scratch = new float[dim];
    }

    /** Welford's update with one observation. */
    public void update(double[] obs) {
        if (obs.length != dim) {
            throw new IllegalArgumentException("observation normaliser: got " + obs.length + " features, expected "
                    + dim);
        }
        count++;
        for (int i = 0; i < dim; i++) {
            double delta = obs[i] - mean[i];
            mean[i] += delta / count;
            m2[i] += delta * (obs[i] - mean[i]);
        }
        stale = true;
    }

    public long count() {
        return count;
    }

    /** The running mean of feature i. */
    public double mean(int i) {
        return mean[i];
    }

    /** The running population variance of feature i (1 before two observations). */
    public double variance(int i) {
        return count < 2 ? 1.0 : m2[i] / count;
    }

    /** {@code out = (x − μ) ⊙ 1/sqrt(σ² + ε)}, x and out {@code F32[rows×d]} (may be the same tensor). */
    public void apply(Tensor x, Tensor out) {
        uploadIfStale();
        b.elements().binary(Binary.SUB, x, meanDevice, out);
        b.elements().binary(Binary.MUL, out, invStdDevice, out);
    }

    /**
     * Uploads the statistics if observations arrived since the last upload: the agents call it before a graphed
     * update, so the update itself moves nothing between host and device.
     */
    public void uploadIfStale() {
        if (stale) {
            upload();
        }
    }

    private void upload() {
        for (int i = 0; i < dim; i++) {
            scratch[i] = (float) mean[i];
        }
        meanDevice.copyFrom(scratch);
        for (int i = 0; i < dim; i++) {
            scratch[i] = (float) (1.0 / Math.sqrt(variance(i) + EPS));
        }
        invStdDevice.copyFrom(scratch);
        stale = false;
    }

    /** The state a checkpoint keeps: count, then the means, then the sums of squared deviations. */
    public double[] state() {
        double[] s = new double[1 + 2 * dim];
        s[0] = count;
        System.arraycopy(mean, 0, s, 1, dim);
        System.arraycopy(m2, 0, s, 1 + dim, dim);
        return s;
    }

    /** Restores {@link #state()}. */
    public void restore(double[] s) {
        if (s.length != 1 + 2 * dim || !(s[0] >= 0) || s[0] != Math.rint(s[0])) {
            throw new IllegalArgumentException("observation normaliser: a state of " + s.length + " values (count "
                    + (s.length > 0 ? s[0] : "?") + ") does not fit " + dim + " features");
        }
        count = (long) s[0];
        System.arraycopy(s, 1, mean, 0, dim);
        System.arraycopy(s, 1 + dim, m2, 0, dim);
        stale = true;
    }
}
