package dev.topiary.backend.ref;

import dev.topiary.backend.*;

final class RefTopology extends TopologyOps {

    RefTopology(ReferenceBackend backend) {
        super(backend);
    }

    @Override
    protected void pruneSmallestImpl(Tensor values, Tensor mask, int active, int k) {
        throw new UnsupportedOperationException("RefTopology.pruneSmallestImpl not yet written");
    }

    @Override
    protected void growLargestImpl(Tensor scores, Tensor mask, int active, int k) {
        throw new UnsupportedOperationException("RefTopology.growLargestImpl not yet written");
    }

    @Override
    protected void growRandomImpl(Tensor mask, int active, int k, long seed, long stream) {
        throw new UnsupportedOperationException("RefTopology.growRandomImpl not yet written");
    }

    @Override
    protected void randomMaskImpl(Tensor mask, int k, long seed, long stream) {
        throw new UnsupportedOperationException("RefTopology.randomMaskImpl not yet written");
    }

    @Override
    protected void applyMaskChangeImpl(Tensor oldMask, Tensor newMask, Tensor values, Tensor[] moments) {
        throw new UnsupportedOperationException("RefTopology.applyMaskChangeImpl not yet written");
    }

    @Override
    protected void countActiveImpl(Tensor mask, Tensor out) {
        throw new UnsupportedOperationException("RefTopology.countActiveImpl not yet written");
    }

}
