package dev.topiary.backend.kernel;

import dev.topiary.backend.ReduceOps;
import dev.topiary.backend.Tensor;

import static dev.topiary.backend.kernel.ArgType.F32;
import static dev.topiary.backend.kernel.ArgType.I32;
import static dev.topiary.backend.kernel.ArgType.I64;
import static dev.topiary.backend.kernel.ArgType.PTR;
import static dev.topiary.backend.kernel.KernelElementsSupport.gridStride;
import static dev.topiary.backend.kernel.KernelElementsSupport.rowGroups;
import static dev.topiary.backend.kernel.KernelTensor.ptr;

/**
 * Reductions by the kernels of {@code kernels/reduce.cu}, accumulated in double in a fixed order. Whole-tensor and
 * column reductions take two passes when one block (or one chunk of rows) is not enough: per-block partials in a
 * scratch buffer of this object, then a final pass in index order. Row reductions and argmax take one row per warp
 * or per block.
 */
final class KernelReduce extends ReduceOps {
    private static final Kernel ALL = Kernel.of("red_all", I32, PTR, I64, PTR, PTR);
    private static final Kernel ALL_FINAL = Kernel.of("red_all_final", I32, PTR, I32, I64, PTR);
    private static final Kernel COLS = Kernel.of("red_cols", I32, PTR, I32, I32, I32, F32, PTR, PTR);
    private static final Kernel COLS_FINAL = Kernel.of("red_cols_final", I32, PTR, I32, I32, I32, F32, PTR);
    private static final Kernel ROWS = Kernel.of("red_rows", I32, PTR, I32, I32, PTR);
    private static final Kernel ARGMAX = Kernel.of("red_argmax_rows", PTR, I32, I32, PTR);

    private final KernelElementsSupport.Scratch partials;

    KernelReduce(KernelBackend backend) {
        super(backend);
        this.partials = new KernelElementsSupport.Scratch(backend);
    }

    private KernelBackend kb() {
        return (KernelBackend) backend;
    }

    private Device device() {
        return kb().stream();
    }

    @Override
    protected void allImpl(Kind kind, Tensor x, Tensor out) {
        long n = x.size();
        int block = kb().blockSize();
        Launch first = KernelElementsSupport.partialBlocks(block, n);
        long scratch = first.gx() > 1 ? partials.ensure((long) first.gx() * Double.BYTES) : 0L;
        device().launch(ALL, first, kind.ordinal(), ptr(x), n, scratch, ptr(out));
        if (first.gx() > 1) {
            device().launch(ALL_FINAL, new Launch(1, 1, 1, block, 1, 1, 0), kind.ordinal(), scratch, first.gx(), n,
                    ptr(out));
        }
    }

    @Override
    protected void colsImpl(Kind kind, Tensor x, float beta, Tensor out) {
        int rows = x.rows();
        int cols = x.cols();
        if (cols == 0) {
            return;
        }
        int block = kb().blockSize();
        KernelElementsSupport.Columns plan = KernelElementsSupport.columns(block, rows, cols);
        long scratch = plan.chunks() > 1 ? partials.ensure((long) plan.chunks() * cols * Double.BYTES) : 0L;
        device().launch(COLS, plan.launch(), kind.ordinal(), ptr(x), rows, cols, plan.chunkRows(), beta, scratch,
                ptr(out));
        if (plan.chunks() > 1) {
            device().launch(COLS_FINAL, gridStride(block, cols), kind.ordinal(), scratch, plan.chunks(), rows, cols,
                    beta, ptr(out));
        }
    }

    @Override
    protected void rowsImpl(Kind kind, Tensor x, Tensor out) {
        if (x.rows() > 0) {
            device().launch(ROWS, rowGroups(kb().blockSize(), x.rows(), x.cols()), kind.ordinal(), ptr(x), x.rows(),
                    x.cols(), ptr(out));
        }
    }

    @Override
    protected void argmaxRowsImpl(Tensor x, Tensor out) {
        if (x.rows() > 0) {
            device().launch(ARGMAX, rowGroups(kb().blockSize(), x.rows(), x.cols()), ptr(x), x.rows(), x.cols(),
                    ptr(out));
        }
    }
}
