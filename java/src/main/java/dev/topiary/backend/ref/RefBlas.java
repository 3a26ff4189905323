package dev.topiary.backend.ref;

import dev.topiary.backend.BlasOps;
import dev.topiary.backend.Tensor;

/** The oracle GEMM: the textbook triple loop in float64. */
final class RefBlas extends BlasOps {

    RefBlas(ReferenceBackend backend) {
        super(backend);
    }

    @Override
    protected void gemmImpl(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a, Tensor b,
                            float beta, Tensor c) {
        double[] ad = RefTensor.d(a);
        double[] bd = RefTensor.d(b);
        double[] cd = RefTensor.d(c);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    double aip = transA ? ad[p * m + i] : ad[i * k + p];
                    double bpj = transB ? bd[j * k + p] : bd[p * n + j];
                    sum += aip * bpj;
                }
                // beta == 0 ignores C entirely, so a NaN left in C does not leak into the result.
                cd[i * n + j] = alpha * sum + (beta == 0 ? 0 : beta * cd[i * n + j]);
            }
        }
    }
}
