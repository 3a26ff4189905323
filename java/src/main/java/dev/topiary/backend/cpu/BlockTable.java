package dev.topiary.backend.cpu;

import dev.topiary.backend.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The tasks of an op over several float tensors: every tensor cut into blocks of a fixed length, numbered tensor by
 * tensor, so a per-block partial result has the same meaning whatever the thread count.
 */
final class BlockTable {
    private final int blockLength;
    private MemorySegment[] segments = new MemorySegment[0];
    private long[] starts = new long[0];
    private long[] ends = new long[0];

    BlockTable(int blockLength) {
        this.blockLength = blockLength;
    }

    /** Lays out the blocks of {@code tensors} and returns their number. */
    int plan(Tensor[] tensors) {
        int count = 0;
        for (Tensor t : tensors) {
            count += Math.toIntExact(blocks(t.size()));
        }
        if (segments.length < count) {
            segments = new MemorySegment[count];
            starts = new long[count];
            ends = new long[count];
        }
        int b = 0;
        for (Tensor t : tensors) {
            long size = t.size();
            for (long lo = 0; lo < size; lo += blockLength) {
                segments[b] = CpuTensor.seg(t);
                starts[b] = lo;
                ends[b] = Math.min(size, lo + blockLength);
                b++;
            }
        }
        return count;
    }

    private long blocks(long size) {
        return (size + blockLength - 1) / blockLength;
    }

    MemorySegment segment(int block) {
        return segments[block];
    }

    /** First element of the block, counted within its tensor. */
    long start(int block) {
        return starts[block];
    }

    /** One past the last element of the block. */
    long end(int block) {
        return ends[block];
    }

    /** Drops the references to the planned tensors. */
    void clear() {
        Arrays.fill(segments, null);
    }
}
