package dev.topiary.backend.kernel;

import dev.topiary.backend.*;

final class KernelBlas extends BlasOps {

    KernelBlas(KernelBackend backend) {
        super(backend);
    }

    @Override
    protected void gemmImpl(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        throw new UnsupportedOperationException("KernelBlas.gemmImpl not yet written");
    }

}
