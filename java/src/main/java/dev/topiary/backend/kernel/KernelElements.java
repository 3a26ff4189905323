package dev.topiary.backend.kernel;

import dev.topiary.backend.ElementOps;
import dev.topiary.backend.Tensor;

import static dev.topiary.backend.kernel.ArgType.F32;
import static dev.topiary.backend.kernel.ArgType.I32;
import static dev.topiary.backend.kernel.ArgType.I64;
import static dev.topiary.backend.kernel.ArgType.PTR;
import static dev.topiary.backend.kernel.KernelElementsSupport.gridStride;
import static dev.topiary.backend.kernel.KernelTensor.ptr;

/**
 * Elementwise ops by the kernels of {@code kernels/elementwise.cu}. Fill and copy work on bytes, so one kernel serves
 * every dtype (fill's value is converted on the host as a Java cast would, then replicated as a bit pattern).
 *
 * <p>Row indices are not checked on the device, which cannot throw: an out-of-range index in {@link #gatherRows}
 * leaves that output row unchanged, and one in {@link #scatterRows} skips that source row (the host backends throw).
 * Scatter with duplicate indices writes the last source row naming a destination, as the CPU backend does: a claim
 * pass records the largest source row per destination (integer atomics) in a scratch buffer of this object.
 */
final class KernelElements extends ElementOps {
    private static final Kernel FILL = Kernel.of("ew_fill", PTR, I64, I64, I32);
    private static final Kernel COPY = Kernel.of("ew_copy", PTR, PTR, I64);
    private static final Kernel AXPBY = Kernel.of("ew_axpby", F32, PTR, F32, PTR, PTR, I64);
    private static final Kernel AFFINE = Kernel.of("ew_affine", PTR, F32, F32, PTR, I64);
    private static final Kernel BINARY = Kernel.of("ew_binary", I32, I32, PTR, PTR, PTR, I64, I32);
    private static final Kernel UNARY = Kernel.of("ew_unary", I32, PTR, PTR, I64);
    private static final Kernel CLAMP = Kernel.of("ew_clamp", PTR, F32, F32, PTR, I64);
    private static final Kernel COPY_COLS = Kernel.of("ew_copy_cols", PTR, I32, I32, PTR, I32, I32, I32, I32);
    private static final Kernel GATHER = Kernel.of("ew_gather_rows", PTR, PTR, PTR, I32, I32, I64);
    private static final Kernel CLAIM = Kernel.of("ew_scatter_claim", PTR, I32, I32, PTR);
    private static final Kernel SCATTER = Kernel.of("ew_scatter_rows", PTR, PTR, PTR, PTR, I32, I32, I64);

    private final KernelElementsSupport.Scratch winners;

    KernelElements(KernelBackend backend) {
        super(backend);
        this.winners = new KernelElementsSupport.Scratch(backend);
    }

    private KernelBackend kb() {
        return (KernelBackend) backend;
    }

    private Device device() {
        return kb().stream();
    }

    /** A grid-stride launch over the float4 groups of {@code n} elements. */
    private Launch groups(long n) {
        return gridStride(kb().blockSize(), (n + 3) / 4);
    }

    @Override
    protected void fillImpl(Tensor t, double value) {
        long bits = switch (t.dtype()) {
            case F32 -> Float.floatToRawIntBits((float) value) & 0xFFFFFFFFL;
            case F64 -> Double.doubleToRawLongBits(value);
            case I32 -> ((int) value) & 0xFFFFFFFFL;
            case U8 -> ((int) value) & 0xFFL;
        };
        fillBytes(ptr(t), t.size() * t.dtype().bytes, bits, t.dtype().bytes);
    }

    private void fillBytes(long p, long bytes, long pattern, int elemBytes) {
        if (bytes > 0) {
            device().launch(FILL, gridStride(kb().blockSize(), bytes / 16 + 2), p, bytes, pattern, elemBytes);
        }
    }

    @Override
    protected void copyImpl(Tensor src, Tensor dst) {
        long bytes = src.size() * src.dtype().bytes;
        if (bytes > 0) {
            device().launch(COPY, gridStride(kb().blockSize(), bytes / 16 + 1), ptr(src), ptr(dst), bytes);
        }
    }

    @Override
    protected void axpbyImpl(float alpha, Tensor x, float beta, Tensor y, Tensor out) {
        long n = x.size();
        if (n > 0) {
            device().launch(AXPBY, groups(n), alpha, ptr(x), beta, ptr(y), ptr(out), n);
        }
    }

    @Override
    protected void affineImpl(Tensor x, float scale, float shift, Tensor out) {
        long n = x.size();
        if (n > 0) {
            device().launch(AFFINE, groups(n), ptr(x), scale, shift, ptr(out), n);
        }
    }

    @Override
    protected void binaryImpl(Binary op, Tensor a, Tensor b, Tensor out) {
        long n = a.size();
        if (n == 0) {
            return;
        }
        // The reference's order: same shape, then scalar, then row vector, then column vector.
        int mode = b.sameShape(a) ? 0 : b.size() == 1 ? 3 : b.rows() == 1 ? 1 : 2;
        device().launch(BINARY, groups(n), op.ordinal(), mode, ptr(a), ptr(b), ptr(out), n, a.cols());
    }

    @Override
    protected void unaryImpl(Unary op, Tensor x, Tensor out) {
        long n = x.size();
        if (n > 0) {
            device().launch(UNARY, groups(n), op.ordinal(), ptr(x), ptr(out), n);
        }
    }

    @Override
    protected void clampImpl(Tensor x, float lo, float hi, Tensor out) {
        long n = x.size();
        if (n > 0) {
            device().launch(CLAMP, groups(n), ptr(x), lo, hi, ptr(out), n);
        }
    }

    @Override
    protected void concatColsImpl(Tensor[] parts, Tensor out) {
        int start = 0;
        for (Tensor p : parts) {
            copyCols(p, 0, out, start, p.cols());
            start += p.cols();
        }
    }

    @Override
    protected void sliceColsImpl(Tensor src, int start, Tensor out) {
        copyCols(src, start, out, 0, out.cols());
    }

    private void copyCols(Tensor src, int srcCol0, Tensor dst, int dstCol0, int cols) {
        long n = (long) src.rows() * cols;
        if (n > 0) {
            device().launch(COPY_COLS, gridStride(kb().blockSize(), n), ptr(src), src.cols(), srcCol0,
                    ptr(dst), dst.cols(), dstCol0, src.rows(), cols);
        }
    }

    /** Loop steps of a row-copy kernel moving {@code bytes}, counting 4-byte units (the usual row alignment). */
    private static long units(long bytes) {
        return (bytes + 3) / 4;
    }

    @Override
    protected void gatherRowsImpl(Tensor src, Tensor idx, Tensor out) {
        long rowBytes = (long) src.cols() * src.dtype().bytes;
        long total = out.rows() * rowBytes;
        if (total > 0) {
            device().launch(GATHER, gridStride(kb().blockSize(), units(total)), ptr(src), ptr(idx),
                    ptr(out), out.rows(), src.rows(), rowBytes);
        }
    }

    @Override
    protected void scatterRowsImpl(Tensor src, Tensor idx, Tensor out) {
        long rowBytes = (long) src.cols() * src.dtype().bytes;
        int n = src.rows();
        if (n == 0 || rowBytes == 0) {
            return;
        }
        long win = winners.ensure((long) out.rows() * Integer.BYTES);
        fillBytes(win, (long) out.rows() * Integer.BYTES, 0xFFFFFFFFL, Integer.BYTES);
        int block = kb().blockSize();
        device().launch(CLAIM, gridStride(block, n), ptr(idx), n, out.rows(), win);
        device().launch(SCATTER, gridStride(block, units(n * rowBytes)), ptr(src), ptr(idx), win,
                ptr(out), n, out.rows(), rowBytes);
    }
}
