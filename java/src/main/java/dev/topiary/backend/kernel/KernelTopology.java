package dev.topiary.backend.kernel;

import dev.topiary.backend.*;

final class KernelTopology extends TopologyOps {

    KernelTopology(KernelBackend backend) {
        super(backend);
    }

    @Override
    protected void pruneSmallestImpl(Tensor values, Tensor mask, int active, int k) {
        throw new UnsupportedOperationException("KernelTopology.pruneSmallestImpl not yet written");
    }

    @Override
    protected void growLargestImpl(Tensor scores, Tensor mask, int active, int k) {
        throw new UnsupportedOperationException("KernelTopology.growLargestImpl not yet written");
    }

    @Override
    protected void growRandomImpl(Tensor mask, int active, int k, long seed, long stream) {
        throw new UnsupportedOperationException("KernelTopology.growRandomImpl not yet written");
    }

    @Override
    protected void randomMaskImpl(Tensor mask, int k, long seed, long stream) {
        throw new UnsupportedOperationException("KernelTopology.randomMaskImpl not yet written");
    }

    @Override
    protected void applyMaskChangeImpl(Tensor oldMask, Tensor newMask, Tensor values, Tensor[] moments) {
        throw new UnsupportedOperationException("KernelTopology.applyMaskChangeImpl not yet written");
    }

    @Override
    protected void countActiveImpl(Tensor mask, Tensor out) {
        throw new UnsupportedOperationException("KernelTopology.countActiveImpl not yet written");
    }

}
