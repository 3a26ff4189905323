package dev.topiary.backend.cpu;

import dev.topiary.backend.*;

final class CpuTopology extends TopologyOps {

    CpuTopology(CpuBackend backend) {
        super(backend);
    }

    @Override
    protected void pruneSmallestImpl(Tensor values, Tensor mask, int active, int k) {
        throw new UnsupportedOperationException("CpuTopology.pruneSmallestImpl not yet written");
    }

    @Override
    protected void growLargestImpl(Tensor scores, Tensor mask, int active, int k) {
        throw new UnsupportedOperationException("CpuTopology.growLargestImpl not yet written");
    }

    @Override
    protected void growRandomImpl(Tensor mask, int active, int k, long seed, long stream) {
        throw new UnsupportedOperationException("CpuTopology.growRandomImpl not yet written");
    }

    @Override
    protected void randomMaskImpl(Tensor mask, int k, long seed, long stream) {
        throw new UnsupportedOperationException("CpuTopology.randomMaskImpl not yet written");
    }

    @Override
    protected void applyMaskChangeImpl(Tensor oldMask, Tensor newMask, Tensor values, Tensor[] moments) {
        throw new UnsupportedOperationException("CpuTopology.applyMaskChangeImpl not yet written");
    }

    @Override
    protected void countActiveImpl(Tensor mask, Tensor out) {
        throw new UnsupportedOperationException("CpuTopology.countActiveImpl not yet written");
    }

}
