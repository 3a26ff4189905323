package dev.topiary.backend.cpu;

import dev.topiary.backend.AdamW;
import dev.topiary.backend.Check;
import dev.topiary.backend.OptimOps;
import dev.topiary.backend.Tensor;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.function.IntConsumer;

/**
 * Optimizer ops on the CPU. AdamW is bandwidth-bound, so it is one fused vectorised pass (decay, both moments, the
 * update, the mask) over fixed chunks spread across the pool. Reductions sum fixed blocks into per-block partials
 * that are added in block order, so results do not depend on the thread count. Methods are synchronized because the
 * per-op fields are shared with the pool's tasks.
 */
final class CpuOptim extends OptimOps {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> BS =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(FS.length() * Byte.SIZE));
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int LANES = FS.length();
    /** Elements per task; a multiple of every vector length. */
    private static final int CHUNK = 1 << 14;

    private final IntConsumer adamPass = this::adamChunk;
    private final IntConsumer squaresPass = this::squaresBlock;
    private final IntConsumer scalePass = this::scaleBlock;
    private final IntConsumer polyakPass = this::polyakChunk;

    private MemorySegment param;
    private MemorySegment grad;
    private MemorySegment m1;
    private MemorySegment m2;
    private MemorySegment mask;
    private long n;
    private float decay;
    private float beta1;
    private float oneMinusBeta1;
    private float beta2;
    private float oneMinusBeta2;
    private float negStepSize;
    private float sqrtBiasCorrection2;
    private float eps;

    private final BlockTable blocks = new BlockTable(CHUNK);
    private double[] partial = new double[0];
    private float scale;

    private MemorySegment target;
    private MemorySegment source;
    private float tau;
    private float oneMinusTau;

    CpuOptim(CpuBackend backend) {
        super(backend);
    }

    @Override
    protected synchronized void adamWImpl(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor mask, AdamW hp,
                                          Tensor step) {
        int t = CpuTensor.seg(step).get(ValueLayout.JAVA_INT, 0);
        if (t < 1) {
            throw Check.fail("adamW", "step = " + t + " but the step counter starts at 1; call incrementStep "
                    + "before the first update");
        }
        // Scalars in double, then rounded once, as PyTorch computes them on the host.
        double biasCorrection1 = 1 - Math.pow(hp.beta1(), t);
        double biasCorrection2 = 1 - Math.pow(hp.beta2(), t);
        decay = (float) (1 - (double) hp.lr() * hp.weightDecay());
        beta1 = hp.beta1();
        oneMinusBeta1 = (float) (1 - (double) hp.beta1());
        beta2 = hp.beta2();
        oneMinusBeta2 = (float) (1 - (double) hp.beta2());
        negStepSize = (float) (-hp.lr() / biasCorrection1);
        sqrtBiasCorrection2 = (float) Math.sqrt(biasCorrection2);
        eps = hp.eps();
        this.param = CpuTensor.seg(param);
        this.grad = CpuTensor.seg(grad);
        this.m1 = CpuTensor.seg(m);
        this.m2 = CpuTensor.seg(v);
        this.mask = CpuTensor.seg(mask);
        this.n = param.size();
        pool().run(chunks(n), adamPass);
        this.mask = null;
    }

    private void adamChunk(int c) {
        long lo = (long) c * CHUNK;
        long hi = Math.min(n, lo + CHUNK);
        long i = lo;
        for (long end = lo + FS.loopBound(hi - lo); i < end; i += LANES) {
            adamAt(i, null);
        }
        for (; i < hi; i++) {
            adamScalar(i);
        }
    }

    /**
     * The tail of a chunk, one element at a time with the vector path's exact arithmetic (fused multiply-adds where
     * it fuses, IEEE sqrt and division). A masked vector tail here made C2 compile the whole loop without
     * intrinsics on some lengths, ten times slower (measured on a compact 1024² layer at d = 0.1).
     */
    private void adamScalar(long i) {
        long at = i * Float.BYTES;
        float p = param.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at);
        float g = grad.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at);
        float m = m1.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at);
        float v = m2.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at);
        p = p * decay;
        m = Math.fma(g, oneMinusBeta1, m * beta1);
        v = Math.fma(g * g, oneMinusBeta2, v * beta2);
        float denom = (float) Math.sqrt(v) / sqrtBiasCorrection2 + eps;
        p = Math.fma(m / denom, negStepSize, p);
        if (mask != null && mask.get(ValueLayout.JAVA_BYTE, i) == 0) {
            p = 0f;
            m = 0f;
            v = 0f;
        }
        param.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at, p);
        m1.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at, m);
        m2.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at, v);
    }

    /**
     * One vector of the fused AdamW update at element {@code i}: a full vector when {@code lanes} is null (unmasked
     * memory access; masked stores are slow on Zen 4), else only the lanes of the tail.
     */
    private void adamAt(long i, VectorMask<Float> lanes) {
        long at = i * Float.BYTES;
        FloatVector p = load(param, at, lanes);
        FloatVector g = load(grad, at, lanes);
        FloatVector m = load(m1, at, lanes);
        FloatVector v = load(m2, at, lanes);
        p = p.mul(decay);
        m = g.fma(FloatVector.broadcast(FS, oneMinusBeta1), m.mul(beta1));
        v = g.mul(g).fma(FloatVector.broadcast(FS, oneMinusBeta2), v.mul(beta2));
        FloatVector denom = v.sqrt().div(sqrtBiasCorrection2).add(eps);
        p = m.div(denom).fma(FloatVector.broadcast(FS, negStepSize), p);
        if (mask != null) {
            // Inactive entries become +0.0 (blend, not multiply, so no −0.0 or NaN can leak in).
            ByteVector bytes = lanes == null ? ByteVector.fromMemorySegment(BS, mask, i, NATIVE)
                    : ByteVector.fromMemorySegment(BS, mask, i, NATIVE, lanes.cast(BS));
            VectorMask<Float> inactive = bytes.compare(VectorOperators.EQ, 0).cast(FS);
            FloatVector zero = FloatVector.zero(FS);
            p = p.blend(zero, inactive);
            m = m.blend(zero, inactive);
            v = v.blend(zero, inactive);
        }
        store(p, param, at, lanes);
        store(m, m1, at, lanes);
        store(v, m2, at, lanes);
    }

    private static FloatVector load(MemorySegment s, long at, VectorMask<Float> lanes) {
        return lanes == null ? FloatVector.fromMemorySegment(FS, s, at, NATIVE)
                : FloatVector.fromMemorySegment(FS, s, at, NATIVE, lanes);
    }

    private static void store(FloatVector x, MemorySegment s, long at, VectorMask<Float> lanes) {
        if (lanes == null) {
            x.intoMemorySegment(s, at, NATIVE);
        } else {
            x.intoMemorySegment(s, at, NATIVE, lanes);
        }
    }

    @Override
    protected synchronized void incrementStepImpl(Tensor step) {
        MemorySegment s = CpuTensor.seg(step);
        s.set(ValueLayout.JAVA_INT, 0, s.get(ValueLayout.JAVA_INT, 0) + 1);
    }

    @Override
    protected synchronized void sumOfSquaresImpl(Tensor[] grads, Tensor out) {
        int tasks = blocks.plan(grads);
        if (partial.length < tasks) {
            partial = new double[tasks];
        }
        pool().run(tasks, squaresPass);
        double sum = 0;
        for (int b = 0; b < tasks; b++) {
            sum += partial[b];
        }
        blocks.clear();
        CpuTensor.seg(out).set(ValueLayout.JAVA_FLOAT, 0, (float) sum);
    }

    /** Σx² of one block: four float vector accumulators, their lanes then added in a fixed order in double. */
    private void squaresBlock(int b) {
        MemorySegment s = blocks.segment(b);
        long lo = blocks.start(b);
        long hi = blocks.end(b);
        FloatVector a0 = FloatVector.zero(FS);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        long i = lo;
        for (long end = lo + (hi - lo) / (4L * LANES) * (4L * LANES); i < end; i += 4L * LANES) {
            FloatVector x0 = FloatVector.fromMemorySegment(FS, s, i * Float.BYTES, NATIVE);
            FloatVector x1 = FloatVector.fromMemorySegment(FS, s, (i + LANES) * Float.BYTES, NATIVE);
            FloatVector x2 = FloatVector.fromMemorySegment(FS, s, (i + 2L * LANES) * Float.BYTES, NATIVE);
            FloatVector x3 = FloatVector.fromMemorySegment(FS, s, (i + 3L * LANES) * Float.BYTES, NATIVE);
            a0 = x0.fma(x0, a0);
            a1 = x1.fma(x1, a1);
            a2 = x2.fma(x2, a2);
            a3 = x3.fma(x3, a3);
        }
        double sum = laneSum(a0, a1, a2, a3);
        for (; i < hi; i++) {
            double x = s.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            sum += x * x;
        }
        partial[b] = sum;
    }

    private static double laneSum(FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3) {
        double sum = 0;
        for (int j = 0; j < LANES; j++) {
            sum += (double) a0.lane(j) + a1.lane(j) + a2.lane(j) + a3.lane(j);
        }
        return sum;
    }

    @Override
    protected synchronized void clipByGlobalNormImpl(Tensor[] grads, Tensor sumSq, float maxNorm) {
        double norm = Math.sqrt(CpuTensor.seg(sumSq).get(ValueLayout.JAVA_FLOAT, 0));
        double s = Math.min(1.0, maxNorm / (norm + 1e-6));
        if (s == 1.0) {
            return;
        }
        scale = (float) s;
        int tasks = blocks.plan(grads);
        pool().run(tasks, scalePass);
        blocks.clear();
    }

    private void scaleBlock(int b) {
        MemorySegment s = blocks.segment(b);
        long lo = blocks.start(b);
        long hi = blocks.end(b);
        long i = lo;
        for (long end = lo + FS.loopBound(hi - lo); i < end; i += LANES) {
            FloatVector.fromMemorySegment(FS, s, i * Float.BYTES, NATIVE).mul(scale)
                    .intoMemorySegment(s, i * Float.BYTES, NATIVE);
        }
        for (; i < hi; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, s.getAtIndex(ValueLayout.JAVA_FLOAT, i) * scale);
        }
    }

    @Override
    protected synchronized void polyakImpl(Tensor target, Tensor source, float tau) {
        if (tau == 1) {
            MemorySegment.copy(CpuTensor.seg(source), 0, CpuTensor.seg(target), 0, target.size() * Float.BYTES);
            return;
        }
        this.target = CpuTensor.seg(target);
        this.source = CpuTensor.seg(source);
        this.n = target.size();
        this.tau = tau;
        this.oneMinusTau = (float) (1.0 - tau);
        pool().run(chunks(n), polyakPass);
        this.target = null;
        this.source = null;
    }

    /** target = (1 − τ)·target + τ·source, as one fused multiply-add per element (the tail too). */
    private void polyakChunk(int c) {
        long lo = (long) c * CHUNK;
        long hi = Math.min(n, lo + CHUNK);
        MemorySegment t = target;
        MemorySegment s = source;
        FloatVector tauV = FloatVector.broadcast(FS, tau);
        long i = lo;
        for (long end = lo + FS.loopBound(hi - lo); i < end; i += LANES) {
            long at = i * Float.BYTES;
            FloatVector x = FloatVector.fromMemorySegment(FS, t, at, NATIVE);
            FloatVector.fromMemorySegment(FS, s, at, NATIVE).fma(tauV, x.mul(oneMinusTau))
                    .intoMemorySegment(t, at, NATIVE);
        }
        for (; i < hi; i++) {
            float x = t.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            float y = s.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            t.setAtIndex(ValueLayout.JAVA_FLOAT, i, Math.fma(y, tau, x * oneMinusTau));
        }
    }

    private static int chunks(long n) {
        return (int) Math.max(1, (n + CHUNK - 1) / CHUNK);
    }

    /** The backend's pool, looked up per op: the backend creates its op families before its pool. */
    private CpuPool pool() {
        return ((CpuBackend) backend).pool();
    }
}
