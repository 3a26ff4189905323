package dev.topiary.backend.cpu;

import dev.topiary.backend.BlasOps;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.cpu.gemm.Sgemm;

/** Dense GEMM through the packed, cache-blocked Vector API {@link Sgemm}, over all of the backend's cores. */
final class CpuBlas extends BlasOps {
    private final CpuBackend cpu;
    private Sgemm sgemm;

    CpuBlas(CpuBackend backend) {
        super(backend);
        this.cpu = backend;
    }

    /** The backend's GEMM engine, shared with the sparse ops; created on first use, once the pool exists. */
    Sgemm sgemm() {
        if (sgemm == null) {
            sgemm = new Sgemm(cpu.pool());
        }
        return sgemm;
    }

    @Override
    protected void gemmImpl(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a, Tensor b,
                            float beta, Tensor c) {
        sgemm().multiply(transA, transB, m, n, k, alpha, CpuTensor.seg(a), CpuTensor.seg(b), beta, CpuTensor.seg(c),
                null, null);
    }
}
