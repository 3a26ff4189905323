package dev.topiary.backend.cpu;

import dev.topiary.backend.*;

final class CpuBlas extends BlasOps {

    CpuBlas(CpuBackend backend) {
        super(backend);
    }

    @Override
    protected void gemmImpl(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        throw new UnsupportedOperationException("CpuBlas.gemmImpl not yet written");
    }

}
