package dev.topiary.backend;

/**
 * Random tensors from the counter-based {@link Philox} stream ({@code seed}, {@code stream}): the value at flat index
 * i depends only on (seed, stream, i), so every backend and thread count draws the same numbers. Callers give each
 * draw its own {@code stream} (or advance it) so no two draws share numbers. Float results are evaluated in double
 * precision and rounded to float once, so every backend produces the same bits.
 */
public abstract class RandomOps extends OpFamily {

    protected RandomOps(Backend backend) {
        super(backend);
    }

    /** Uniform on {@code [lo, hi)}: {@code lo + (hi − lo)·Philox.uniform(seed, stream, i)}. */
    public final void uniform(Tensor out, float lo, float hi, long seed, long stream) {
        Check.dtype("uniform", "out", out, DType.F32);
        Check.finite("uniform", "lo", lo);
        Check.finite("uniform", "hi", hi);
        if (!(lo <= hi)) {
            throw Check.fail("uniform", "lo = " + lo + " must not exceed hi = " + hi);
        }
        owned("uniform", out);
        uniformImpl(out, lo, hi, seed, stream);
    }

    /** Normal with the given mean and standard deviation: {@code mean + std·Philox.normal(seed, stream, i)}. */
    public final void normal(Tensor out, float mean, float std, long seed, long stream) {
        Check.dtype("normal", "out", out, DType.F32);
        Check.finite("normal", "mean", mean);
        if (!(std >= 0) || !Float.isFinite(std)) {
            throw Check.fail("normal", "std = " + std + " must be finite and ≥ 0");
        }
        owned("normal", out);
        normalImpl(out, mean, std, seed, stream);
    }

    /** Integers uniform on {@code [0, bound)}: {@link Philox#below}. */
    public final void ints(Tensor out, int bound, long seed, long stream) {
        Check.dtype("ints", "out", out, DType.I32);
        if (bound < 1) {
            throw Check.fail("ints", "bound = " + bound + " must be ≥ 1");
        }
        owned("ints", out);
        intsImpl(out, bound, seed, stream);
    }

    protected abstract void uniformImpl(Tensor out, float lo, float hi, long seed, long stream);

    protected abstract void normalImpl(Tensor out, float mean, float std, long seed, long stream);

    protected abstract void intsImpl(Tensor out, int bound, long seed, long stream);
}
