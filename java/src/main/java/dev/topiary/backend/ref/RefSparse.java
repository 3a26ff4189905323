package dev.topiary.backend.ref;

import dev.topiary.backend.SparseOps;
import dev.topiary.backend.SparseWeight;
import dev.topiary.backend.Tensor;

import java.util.Arrays;

/**
 * The oracle sparse layer: every layout is turned into its dense effective weight {@code W ⊙ M} (out × in) and the
 * products are written as plain loops in float64. The compact layout is read only through its CSR arrays, so the
 * reference also checks that the CSC arrays the CPU kernels use describe the same matrix.
 */
final class RefSparse extends SparseOps {

    RefSparse(ReferenceBackend backend) {
        super(backend);
    }

    /** The effective dense weight of any layout, row-major out × in. */
    private static double[] effective(SparseWeight w) {
        int rows = w.rows();
        int cols = w.cols();
        double[] values = RefTensor.d(w.values());
        double[] e = new double[rows * cols];
        switch (w.layout()) {
            case DENSE -> System.arraycopy(values, 0, e, 0, e.length);
            case MASKED -> {
                double[] mask = RefTensor.d(w.mask());
                for (int i = 0; i < e.length; i++) {
                    e[i] = mask[i] != 0 ? values[i] : 0;
                }
            }
            case COMPACT -> {
                double[] rowPtr = RefTensor.d(w.rowPtr());
                double[] colIdx = RefTensor.d(w.colIdx());
                for (int r = 0; r < rows; r++) {
                    for (int p = (int) rowPtr[r]; p < (int) rowPtr[r + 1]; p++) {
                        e[r * cols + (int) colIdx[p]] = values[p];
                    }
                }
            }
        }
        return e;
    }

    @Override
    protected void forwardImpl(Tensor x, SparseWeight w, Tensor bias, Tensor y) {
        double[] xd = RefTensor.d(x);
        double[] yd = RefTensor.d(y);
        double[] bd = RefTensor.d(bias);
        double[] e = effective(w);
        int batch = x.rows();
        int in = w.cols();
        int out = w.rows();
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < out; o++) {
                double sum = bd == null ? 0 : bd[o];
                for (int i = 0; i < in; i++) {
                    sum += xd[b * in + i] * e[o * in + i];
                }
                yd[b * out + o] = sum;
            }
        }
    }

    @Override
    protected void backwardInputImpl(Tensor dy, SparseWeight w, float beta, Tensor dx) {
        double[] dyd = RefTensor.d(dy);
        double[] dxd = RefTensor.d(dx);
        double[] e = effective(w);
        int batch = dy.rows();
        int in = w.cols();
        int out = w.rows();
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < in; i++) {
                double sum = 0;
                for (int o = 0; o < out; o++) {
                    sum += dyd[b * out + o] * e[o * in + i];
                }
                // As in gemm, beta == 0 overwrites dX without reading it.
                dxd[b * in + i] = sum + (beta == 0 ? 0 : beta * dxd[b * in + i]);
            }
        }
    }

    /** {@code Σ_b dY[b][o] · X[b][i]}: one entry of the dense weight gradient. */
    private static double gradAt(double[] dyd, double[] xd, int batch, int out, int in, int o, int i) {
        double sum = 0;
        for (int b = 0; b < batch; b++) {
            sum += dyd[b * out + o] * xd[b * in + i];
        }
        return sum;
    }

    @Override
    protected void backwardWeightImpl(Tensor dy, Tensor x, SparseWeight w, float beta, Tensor dw) {
        double[] dyd = RefTensor.d(dy);
        double[] xd = RefTensor.d(x);
        double[] dwd = RefTensor.d(dw);
        int batch = x.rows();
        int in = w.cols();
        int out = w.rows();
        if (w.layout() == SparseWeight.Layout.COMPACT) {
            double[] rowPtr = RefTensor.d(w.rowPtr());
            double[] colIdx = RefTensor.d(w.colIdx());
            for (int r = 0; r < out; r++) {
                for (int p = (int) rowPtr[r]; p < (int) rowPtr[r + 1]; p++) {
                    double g = gradAt(dyd, xd, batch, out, in, r, (int) colIdx[p]);
                    dwd[p] = g + (beta == 0 ? 0 : beta * dwd[p]);
                }
            }
            return;
        }
        double[] mask = w.layout() == SparseWeight.Layout.MASKED ? RefTensor.d(w.mask()) : null;
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                int at = o * in + i;
                double g = mask == null || mask[at] != 0 ? gradAt(dyd, xd, batch, out, in, o, i) : 0;
                dwd[at] = g + (beta == 0 ? 0 : beta * dwd[at]);
            }
        }
    }

    @Override
    protected void compactImpl(Tensor values, Tensor mask, int nnz, SparseWeight dst, Tensor[] denseAligned,
                               Tensor[] compactAligned) {
        double[] vd = RefTensor.d(values);
        double[] md = RefTensor.d(mask);
        int rows = dst.rows();
        int cols = dst.cols();
        int active = 0;
        for (double v : md) {
            active += v != 0 ? 1 : 0;
        }
        if (active != nnz) {
            throw new IllegalArgumentException("sparse.compact: the caller says nnz = " + nnz + " but the mask has "
                    + active + " active entries");
        }
        double[] rowPtr = RefTensor.d(dst.rowPtr());
        double[] colIdx = RefTensor.d(dst.colIdx());
        double[] out = RefTensor.d(dst.values());
        int n = denseAligned == null ? 0 : denseAligned.length;
        Arrays.fill(out, 0);
        for (int a = 0; a < n; a++) {
            Arrays.fill(RefTensor.d(compactAligned[a]), 0);
        }
        int p = 0;
        for (int r = 0; r < rows; r++) {
            rowPtr[r] = p;
            for (int c = 0; c < cols; c++) {
                if (md[r * cols + c] != 0) {
                    colIdx[p] = c;
                    out[p] = vd[r * cols + c];
                    for (int a = 0; a < n; a++) {
                        RefTensor.d(compactAligned[a])[p] = RefTensor.d(denseAligned[a])[r * cols + c];
                    }
                    p++;
                }
            }
        }
        rowPtr[rows] = p;
        buildColumnIndex(dst, rowPtr, colIdx, nnz);
    }

    /**
     * CSC from CSR by counting: column starts are the prefix sums of the column counts, then CSR entries are dealt
     * out in row order, so each column lists its rows ascending. perm points each CSC entry back at its CSR position.
     */
    private static void buildColumnIndex(SparseWeight w, double[] rowPtr, double[] colIdx, int nnz) {
        double[] colPtr = RefTensor.d(w.colPtr());
        double[] rowIdx = RefTensor.d(w.rowIdx());
        double[] perm = RefTensor.d(w.perm());
        int cols = w.cols();
        int[] next = new int[cols + 1];
        for (int p = 0; p < nnz; p++) {
            next[(int) colIdx[p] + 1]++;
        }
        for (int c = 0; c < cols; c++) {
            next[c + 1] += next[c];
        }
        for (int c = 0; c <= cols; c++) {
            colPtr[c] = next[c];
        }
        for (int r = 0; r < w.rows(); r++) {
            for (int p = (int) rowPtr[r]; p < (int) rowPtr[r + 1]; p++) {
                int q = next[(int) colIdx[p]]++;
                rowIdx[q] = r;
                perm[q] = p;
            }
        }
    }

    @Override
    protected void expandImpl(SparseWeight src, Tensor values, Tensor mask, Tensor[] compactAligned,
                              Tensor[] denseAligned) {
        double[] vd = RefTensor.d(values);
        double[] md = RefTensor.d(mask);
        double[] rowPtr = RefTensor.d(src.rowPtr());
        double[] colIdx = RefTensor.d(src.colIdx());
        double[] in = RefTensor.d(src.values());
        int n = denseAligned == null ? 0 : denseAligned.length;
        Arrays.fill(vd, 0);
        Arrays.fill(md, 0);
        for (int a = 0; a < n; a++) {
            Arrays.fill(RefTensor.d(denseAligned[a]), 0);
        }
        int cols = src.cols();
        for (int r = 0; r < src.rows(); r++) {
            for (int p = (int) rowPtr[r]; p < (int) rowPtr[r + 1]; p++) {
                int at = r * cols + (int) colIdx[p];
                vd[at] = in[p];
                md[at] = 1;
                for (int a = 0; a < n; a++) {
                    RefTensor.d(denseAligned[a])[at] = RefTensor.d(compactAligned[a])[p];
                }
            }
        }
    }
}
