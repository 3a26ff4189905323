package dev.topiary.backend.cpu;

import dev.topiary.backend.SparseOps;
import dev.topiary.backend.SparseWeight;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.cpu.gemm.CompactLayer;
import dev.topiary.backend.cpu.gemm.Compaction;
import dev.topiary.backend.cpu.gemm.Sgemm;

import static dev.topiary.backend.cpu.CpuTensor.seg;

/**
 * The sparse layer on the CPU. DENSE and MASKED weights go through the dense {@link Sgemm}: a masked weight holds
 * exact zeros at inactive entries, so its forward pass and dX are plain GEMMs, and its dW is a GEMM whose store
 * applies the mask. COMPACT weights use {@link CompactLayer} (SpMM through CSR and CSC, SDDMM for dW), and
 * {@link Compaction} converts between the dense view and the compact layout.
 */
final class CpuSparse extends SparseOps {
    private final CpuBackend cpu;
    private CompactLayer compactLayer;
    private Compaction compaction;

    CpuSparse(CpuBackend backend) {
        super(backend);
        this.cpu = backend;
    }

    private Sgemm sgemm() {
        return ((CpuBlas) cpu.blas()).sgemm();
    }

    // Created on first use: the backend's pool does not exist yet while its op families are constructed.
    private CompactLayer compactLayer() {
        if (compactLayer == null) {
            compactLayer = new CompactLayer(cpu.pool());
        }
        return compactLayer;
    }

    private Compaction compaction() {
        if (compaction == null) {
            compaction = new Compaction(cpu.pool());
        }
        return compaction;
    }

    @Override
    protected void forwardImpl(Tensor x, SparseWeight w, Tensor bias, Tensor y) {
        if (w.layout() == SparseWeight.Layout.COMPACT) {
            compactLayer().forward(seg(x), w, seg(bias), seg(y), x.rows());
        } else {
            sgemm().multiply(false, true, x.rows(), w.rows(), w.cols(), 1f, seg(x), seg(w.values()), 0f, seg(y),
                    seg(bias), null);
        }
    }

    @Override
    protected void backwardInputImpl(Tensor dy, SparseWeight w, float beta, Tensor dx) {
        if (w.layout() == SparseWeight.Layout.COMPACT) {
            compactLayer().backwardInput(seg(dy), w, beta, seg(dx), dy.rows());
        } else {
            sgemm().multiply(false, false, dy.rows(), w.cols(), w.rows(), 1f, seg(dy), seg(w.values()), beta,
                    seg(dx), null, null);
        }
    }

    @Override
    protected void backwardWeightImpl(Tensor dy, Tensor x, SparseWeight w, float beta, Tensor dw) {
        if (w.layout() == SparseWeight.Layout.COMPACT) {
            compactLayer().backwardWeight(seg(dy), seg(x), w, beta, seg(dw), x.rows());
        } else {
            sgemm().multiply(true, false, w.rows(), w.cols(), x.rows(), 1f, seg(dy), seg(x), beta, seg(dw), null,
                    seg(w.mask()));
        }
    }

    @Override
    protected void compactImpl(Tensor values, Tensor mask, int nnz, SparseWeight dst, Tensor[] denseAligned,
                               Tensor[] compactAligned) {
        compaction().compact(values, mask, nnz, dst, denseAligned, compactAligned);
    }

    @Override
    protected void expandImpl(SparseWeight src, Tensor values, Tensor mask, Tensor[] compactAligned,
                              Tensor[] denseAligned) {
        compaction().expand(src, values, mask, compactAligned, denseAligned);
    }
}
