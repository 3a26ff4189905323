package dev.topiary.backend.ref;

import dev.topiary.backend.*;

final class RefBlas extends BlasOps {

    RefBlas(ReferenceBackend backend) {
        super(backend);
    }

    @Override
    protected void gemmImpl(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        throw new UnsupportedOperationException("RefBlas.gemmImpl not yet written");
    }

}
