package dev.topiary.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import static dev.topiary.backend.cpu.CpuVec.S;

/**
 * Float32 transcendental functions on whole vectors, built only from IEEE add, multiply, fused multiply-add and bit
 * manipulation. The Vector API's own EXP/LOG/TANH may be computed by a different routine once the JIT compiles them
 * (results "within 1 ulp", not bit-equal), so a value could change between an early and a late call; these
 * polynomials give the same bits in every JIT tier. Accuracy is a few ulps (Cephes single-precision coefficients,
 * ln 2 split Cody–Waite style).
 *
 * <p>Each function is written flat, calling only the JDK's vector methods (which the JIT always inlines) and at
 * most one function of this class, at its start: the JIT stops inlining ordinary methods once a compilation has
 * grown past a node budget, and a vector passed to a call it did not inline is boxed on the heap.
 */
final class CpuMath {
    private static final float LOG2E = 1.44269504088896341f;
    /** 1.5 · 2^23: adding it rounds a float of magnitude below 2^22 to an integer held in the low mantissa bits. */
    private static final float ROUND_MAGIC = 12582912f;
    private static final int ROUND_MAGIC_BITS = Float.floatToRawIntBits(ROUND_MAGIC);
    /** −ln 2 split so that n · LN2_HI is exact for |n| < 2^15. */
    private static final FloatVector NEG_LN2_HI = FloatVector.broadcast(S, -0.693359375f);
    private static final FloatVector NEG_LN2_LO = FloatVector.broadcast(S, 2.12194440e-4f);
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float SQRT2 = 1.41421356f;
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    private static final FloatVector ZERO = FloatVector.zero(S);
    // Cephes expf: e^r ≈ 1 + r + r²·P(r) on [−ln2/2, ln2/2].
    private static final FloatVector E3 = FloatVector.broadcast(S, 8.3334519073e-3f);
    private static final FloatVector E2 = FloatVector.broadcast(S, 4.1665795894e-2f);
    private static final FloatVector E1 = FloatVector.broadcast(S, 1.6666665459e-1f);
    private static final FloatVector E0 = FloatVector.broadcast(S, 5.0000001201e-1f);
    // Cephes logf: ln(1 + f) ≈ f − f²/2 + f³·Q(f) on [√½ − 1, √2 − 1].
    private static final FloatVector L7 = FloatVector.broadcast(S, 1.1676998740e-1f);
    private static final FloatVector L6 = FloatVector.broadcast(S, -1.2420140846e-1f);
    private static final FloatVector L5 = FloatVector.broadcast(S, 1.4249322787e-1f);
    private static final FloatVector L4 = FloatVector.broadcast(S, -1.6668057665e-1f);
    private static final FloatVector L3 = FloatVector.broadcast(S, 2.0000714765e-1f);
    private static final FloatVector L2 = FloatVector.broadcast(S, -2.4999993993e-1f);
    private static final FloatVector L1 = FloatVector.broadcast(S, 3.3333331174e-1f);

    private CpuMath() {
    }

    /** e^x; overflows to +∞ above ln(Float.MAX_VALUE), underflows through subnormals to 0, NaN stays NaN. */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(-104f).min(89f);
        IntVector n = xc.fma(LOG2E, ROUND_MAGIC).reinterpretAsInts().sub(ROUND_MAGIC_BITS);
        FloatVector nf = (FloatVector) n.convert(VectorOperators.I2F, 0);
        FloatVector r = nf.fma(NEG_LN2_LO, nf.fma(NEG_LN2_HI, xc));
        FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f).fma(r, E3).fma(r, E2).fma(r, E1).fma(r, E0);
        p = p.fma(r.mul(r), r).add(ONE);
        // Scale by 2^n in two steps, so that subnormal results and the overflow at n = 128 come out right.
        IntVector half = n.lanewise(VectorOperators.ASHR, 1);
        FloatVector s1 = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    /**
     * e^x − 1 without cancellation near 0: with s = 2^(n−1) and q = e^r − 1, {@code e^x − 1 = 2·(s·q + (s − ½))},
     * one fused rounding, exact doubling.
     */
    static FloatVector expm1(FloatVector x) {
        FloatVector xc = x.max(-80f).min(89f);
        IntVector n = xc.fma(LOG2E, ROUND_MAGIC).reinterpretAsInts().sub(ROUND_MAGIC_BITS);
        FloatVector nf = (FloatVector) n.convert(VectorOperators.I2F, 0);
        FloatVector r = nf.fma(NEG_LN2_LO, nf.fma(NEG_LN2_HI, xc));
        FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f).fma(r, E3).fma(r, E2).fma(r, E1).fma(r, E0);
        FloatVector q = p.fma(r.mul(r), r);
        FloatVector s = n.add(126).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return q.fma(s, s.sub(0.5f)).mul(2f);
    }

    /** Natural logarithm: −∞ at ±0, NaN below 0 and at NaN, +∞ at +∞; subnormal inputs handled. */
    static FloatVector log(FloatVector x) {
        VectorMask<Float> tiny = x.lt(Float.MIN_NORMAL);
        IntVector bits = x.blend(x.mul(0x1p23f), tiny).reinterpretAsInts();
        IntVector e = bits.lanewise(VectorOperators.LSHR, 23).sub(127).sub(23, tiny.cast(bits.species()));
        FloatVector m = bits.and(0x007FFFFF).or(0x3F800000).reinterpretAsFloats();
        VectorMask<Float> big = m.compare(VectorOperators.GT, SQRT2);
        FloatVector ef = (FloatVector) e.add(1, big.cast(bits.species())).convert(VectorOperators.I2F, 0);
        FloatVector f = m.mul(0.5f, big).sub(1f);
        FloatVector z = f.mul(f);
        FloatVector q = f.fma(7.0376836292e-2f, -1.1514610310e-1f).fma(f, L7).fma(f, L6).fma(f, L5).fma(f, L4)
                .fma(f, L3).fma(f, L2).fma(f, L1);
        FloatVector y = q.mul(f).mul(z).add(ef.mul(LN2_LO)).add(z.mul(-0.5f));
        FloatVector result = f.add(y).add(ef.mul(LN2_HI));
        result = result.blend(Float.NEGATIVE_INFINITY, x.eq(0f));
        result = result.blend(Float.POSITIVE_INFINITY, x.eq(Float.POSITIVE_INFINITY));
        return result.blend(Float.NaN, x.lt(0f).or(x.test(VectorOperators.IS_NAN)));
    }

    /**
     * ln(1 + y) for y ≥ 0 (or NaN), accurate for tiny y: with u = 1 + y rounded, {@code ln(u) · y / (u − 1)} cancels
     * the rounding of u (Goldberg's trick); u = 1 gives y itself. u ≥ 1 is normal, so no subnormal or sign cases.
     */
    static FloatVector log1pNonNegative(FloatVector y) {
        FloatVector u = y.add(1f);
        IntVector bits = u.reinterpretAsInts();
        IntVector e = bits.lanewise(VectorOperators.LSHR, 23).sub(127);
        FloatVector m = bits.and(0x007FFFFF).or(0x3F800000).reinterpretAsFloats();
        VectorMask<Float> big = m.compare(VectorOperators.GT, SQRT2);
        FloatVector ef = (FloatVector) e.add(1, big.cast(bits.species())).convert(VectorOperators.I2F, 0);
        FloatVector f = m.mul(0.5f, big).sub(1f);
        FloatVector z = f.mul(f);
        FloatVector q = f.fma(7.0376836292e-2f, -1.1514610310e-1f).fma(f, L7).fma(f, L6).fma(f, L5).fma(f, L4)
                .fma(f, L3).fma(f, L2).fma(f, L1);
        FloatVector lnU = f.add(q.mul(f).mul(z).add(ef.mul(LN2_LO)).add(z.mul(-0.5f))).add(ef.mul(LN2_HI));
        FloatVector um1 = u.sub(1f);
        FloatVector result = lnU.mul(y.div(um1)).blend(y, um1.eq(0f));
        return result.blend(Float.POSITIVE_INFINITY, y.eq(Float.POSITIVE_INFINITY));
    }

    /** tanh(x) = sign(x) · m/(m + 2) with m = e^(2|x|) − 1; |x| is capped at 10, where tanh rounds to 1. */
    static FloatVector tanh(FloatVector x) {
        FloatVector m = expm1(x.abs().min(10f).mul(2f));
        FloatVector magnitude = m.div(m.add(2f));
        return magnitude.reinterpretAsInts().or(x.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats();
    }

    /** Logistic sigmoid: with t = e^−|x|, 1/(1 + t) for x ≥ 0 and t/(1 + t) below, so nothing overflows. */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector t = exp(x.abs().neg());
        return ONE.blend(t, x.lt(0f)).div(t.add(1f));
    }

    /**
     * ln(1 + e^x) = max(x, 0) + ln(1 + t) with t = e^−|x| in (0, 1]: no overflow, and accurate far left, where the
     * result is e^x. 1 + t lies in [1, 2], so the logarithm needs neither exponent extraction nor special cases.
     */
    static FloatVector softplus(FloatVector x) {
        FloatVector t = exp(x.abs().neg());
        FloatVector u = t.add(1f);
        VectorMask<Float> big = u.compare(VectorOperators.GT, SQRT2);
        FloatVector ef = ZERO.blend(1f, big);
        FloatVector f = u.mul(0.5f, big).sub(1f);
        FloatVector z = f.mul(f);
        FloatVector q = f.fma(7.0376836292e-2f, -1.1514610310e-1f).fma(f, L7).fma(f, L6).fma(f, L5).fma(f, L4)
                .fma(f, L3).fma(f, L2).fma(f, L1);
        FloatVector lnU = f.add(q.mul(f).mul(z).add(ef.mul(LN2_LO)).add(z.mul(-0.5f))).add(ef.mul(LN2_HI));
        FloatVector um1 = u.sub(1f);
        return x.max(0f).add(lnU.mul(t.div(um1)).blend(t, um1.eq(0f)));
    }

    /** sign(x)·ln(1 + |x|). */
    static FloatVector symlog(FloatVector x) {
        FloatVector magnitude = log1pNonNegative(x.abs());
        return magnitude.reinterpretAsInts().or(x.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats();
    }

    /** sign(x)·(e^|x| − 1). */
    static FloatVector symexp(FloatVector x) {
        FloatVector magnitude = expm1(x.abs());
        return magnitude.reinterpretAsInts().or(x.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats();
    }
}
