package dev.topiary.backend;

/** Element types a backend tensor can hold. Float32 carries all learnable state; the others index and mask it. */
public enum DType {
    /** 32-bit IEEE float: weights, activations, gradients, optimizer moments. */
    F32(4),
    /** 64-bit IEEE float: sums that must not drift (the priority sum tree). */
    F64(8),
    /** 32-bit signed integer: indices, counts, step counters. */
    I32(4),
    /** Unsigned byte: masks (0 inactive, 1 active). */
    U8(1);

    /** Bytes per element. */
    public final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }
}
