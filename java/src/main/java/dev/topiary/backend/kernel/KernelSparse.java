package dev.topiary.backend.kernel;

import dev.topiary.backend.SparseOps;
import dev.topiary.backend.SparseWeight;
import dev.topiary.backend.Tensor;

import static dev.topiary.backend.kernel.ArgType.F32;
import static dev.topiary.backend.kernel.ArgType.I32;
import static dev.topiary.backend.kernel.ArgType.PTR;
import static dev.topiary.backend.kernel.KernelTensor.ptr;

/**
 * The sparse layer on the project's kernels. DENSE and MASKED weights go through {@link KernelBlas}'s GEMM: a masked
 * weight holds exact zeros at inactive entries, so its forward pass (with the bias fused) and dX are plain GEMMs,
 * and its dW is a GEMM whose store applies the mask. COMPACT weights use {@code kernels/sparse_linear.cu} on
 * feature-major copies of the activations (the batch padded to a multiple of 256 with zeros): a CSR SpMM for the
 * forward pass, the same kernel over the CSC index for dX, and an SDDMM for dW. Conversions between the compact
 * layout and the dense view are in {@link KernelSparseLayout}.
 */
final class KernelSparse extends SparseOps {
    private static final Kernel TRANSPOSE = Kernel.of("sparse_transpose_pad", PTR, PTR, I32, I32, I32);
    private static final Kernel SPMM = Kernel.of("sparse_spmm_fm", PTR, I32, PTR, PTR, PTR, PTR, I32, I32, I32, PTR,
            F32, PTR);
    private static final Kernel SDDMM = Kernel.of("sparse_sddmm_fm", PTR, PTR, I32, PTR, PTR, I32, I32, I32, F32, PTR);
    private static final Kernel SCALE = Kernel.of("sparse_scale", PTR, I32, F32);
    /** Output features and samples per block of the SpMM, rows per block of the SDDMM (see sparse_linear.cu). */
    private static final int SPMM_ROWS = 64;
    private static final int SPMM_SAMPLES = 128;
    private static final int SDDMM_ROWS = 32;
    /** The feature-major copies pad the batch to a multiple of the SDDMM's 256-sample pass. */
    private static final int BATCH_PAD = 256;

    private final KernelBackend backend;
    private final KernelBlasScratch inputRows;
    private final KernelBlasScratch gradRows;
    private final KernelSparseLayout layout;

    KernelSparse(KernelBackend backend) {
        super(backend);
        this.backend = backend;
        this.inputRows = new KernelBlasScratch(backend.stream());
        this.gradRows = new KernelBlasScratch(backend.stream());
        this.layout = new KernelSparseLayout(backend);
    }

    private KernelBlas blas() {
        return (KernelBlas) backend.blas();
    }

    @Override
    protected void forwardImpl(Tensor x, SparseWeight w, Tensor bias, Tensor y) {
        int batch = x.rows();
        if (w.layout() != SparseWeight.Layout.COMPACT) {
            blas().gemm(false, true, batch, w.rows(), w.cols(), 1f, ptr(x), ptr(w.values()), 0f, ptr(y), ptr(bias), 0);
            return;
        }
        if (batch == 0) {
            return;
        }
        int ld = padded(batch);
        long xt = featureMajor(x, w.cols(), ld, inputRows);
        backend.stream().launch(SPMM, spmmLaunch(w.rows(), batch), xt, ld, ptr(w.rowPtr()), ptr(w.colIdx()), 0L,
                ptr(w.values()), w.rows(), w.cols(), batch, ptr(bias), 0f, ptr(y));
    }

    @Override
    protected void backwardInputImpl(Tensor dy, SparseWeight w, float beta, Tensor dx) {
        int batch = dy.rows();
        if (w.layout() != SparseWeight.Layout.COMPACT) {
            blas().gemm(false, false, batch, w.cols(), w.rows(), 1f, ptr(dy), ptr(w.values()), beta, ptr(dx), 0, 0);
            return;
        }
        if (batch == 0) {
            return;
        }
        int ld = padded(batch);
        long dyt = featureMajor(dy, w.rows(), ld, gradRows);
        // The CSC index turns W's columns into rows: dX's feature i sums dY's features at rowIdx over column i.
        backend.stream().launch(SPMM, spmmLaunch(w.cols(), batch), dyt, ld, ptr(w.colPtr()), ptr(w.rowIdx()),
                ptr(w.perm()), ptr(w.values()), w.cols(), w.rows(), batch, 0L, beta, ptr(dx));
    }

    @Override
    protected void backwardWeightImpl(Tensor dy, Tensor x, SparseWeight w, float beta, Tensor dw) {
        int batch = x.rows();
        if (w.layout() != SparseWeight.Layout.COMPACT) {
            blas().gemm(true, false, w.rows(), w.cols(), batch, 1f, ptr(dy), ptr(x), beta, ptr(dw), 0, ptr(w.mask()));
            return;
        }
        Device device = backend.stream();
        if (batch == 0) {
            if (w.nnz() > 0) {
                device.launch(SCALE, Launch.cover(w.nnz(), backend.blockSize()), ptr(dw), w.nnz(), beta);
            }
            return;
        }
        int ld = padded(batch);
        long xt = featureMajor(x, w.cols(), ld, inputRows);
        long dyt = featureMajor(dy, w.rows(), ld, gradRows);
        Launch launch = new Launch(ceilDiv(w.rows(), SDDMM_ROWS), 1, 1, 256, 1, 1, 0);
        device.launch(SDDMM, launch, dyt, xt, ld, ptr(w.rowPtr()), ptr(w.colIdx()), w.rows(), w.cols(), batch, beta,
                ptr(dw));
    }

    @Override
    protected void compactImpl(Tensor values, Tensor mask, int nnz, SparseWeight dst, Tensor[] denseAligned,
                               Tensor[] compactAligned) {
        layout.compact(values, mask, nnz, dst, denseAligned, compactAligned);
    }

    @Override
    protected void expandImpl(SparseWeight src, Tensor values, Tensor mask, Tensor[] compactAligned,
                              Tensor[] denseAligned) {
        layout.expand(src, values, mask, compactAligned, denseAligned);
    }

    /** Copies {@code a} ([batch × features]) into {@code scratch} as [features × ld], zero past the batch. */
    private long featureMajor(Tensor a, int features, int ld, KernelBlasScratch scratch) {
        long dst = scratch.ensure((long) features * ld * Float.BYTES);
        Launch launch = new Launch(ceilDiv(features, 32), ceilDiv(ld, 128), 1, 32, 8, 1, 0);
        backend.stream().launch(TRANSPOSE, launch, ptr(a), dst, a.rows(), features, ld);
        return dst;
    }

    private static Launch spmmLaunch(int rows, int batch) {
        return new Launch(ceilDiv(rows, SPMM_ROWS), ceilDiv(batch, SPMM_SAMPLES), 1, 256, 1, 1, 0);
    }

    private static int padded(int batch) {
        return ceilDiv(batch, BATCH_PAD) * BATCH_PAD;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Frees the scratch buffers; the backend calls this when it closes. */
    void close() {
        inputRows.release();
        gradRows.release();
        layout.close();
    }
}
