package dev.topiary.backend.kernel;

/** The C type of one kernel parameter, as both the CUDA driver and the emulator's FFM entry points pass it. */
public enum ArgType {
    /** A device pointer ({@code float*}, {@code int*}, ...), passed as its 64-bit address. */
    PTR,
    /** {@code int}. */
    I32,
    /** {@code long long} / {@code unsigned long long}. */
    I64,
    /** {@code float}. */
    F32,
    /** {@code double}. */
    F64
}
