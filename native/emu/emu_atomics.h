// CUDA atomics on the GCC __atomic builtins. They are truly atomic, since blocks run concurrently
// when EMU_WORKERS > 1, and relaxed like CUDA's: only __threadfence() and barriers order them.
// (The builtins rather than std::atomic_ref: <atomic> alone doubles the compile time of a kernel.)
#pragma once

namespace emu::detail {
// Read-modify-write by compare-and-swap, for what has no builtin: floating-point add, min, max.
// The comparison is bitwise, so NaNs and signed zeros cannot make it spin.
template <class T, class F>
inline T atomic_update(T* p, F f) {
    T old;
    __atomic_load(p, &old, __ATOMIC_RELAXED);
    T desired = f(old);
    while (!__atomic_compare_exchange(p, &old, &desired, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) desired = f(old);
    return old;
}
}  // namespace emu::detail

// One macro per operation, instantiated for exactly the types CUDA declares it for, so that code
// the emulator accepts also compiles with nvcc.
#define EMU_ATOMIC_FETCH(op, builtin, T) \
    inline T op(T* p, T v) { return builtin(p, v, __ATOMIC_RELAXED); }
#define EMU_ATOMIC_UPDATE(op, T, expr) \
    inline T op(T* p, T v) { return emu::detail::atomic_update(p, [v](T o) { return expr; }); }
#define EMU_ATOMIC_CAS(T)                                                                               \
    inline T atomicCAS(T* p, T expected, T desired) {                                                   \
        __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED); \
        return expected;                                                                                \
    }
#define EMU_ATOMIC_BITS(T)                                  \
    EMU_ATOMIC_FETCH(atomicAnd, __atomic_fetch_and, T)      \
    EMU_ATOMIC_FETCH(atomicOr, __atomic_fetch_or, T)        \
    EMU_ATOMIC_FETCH(atomicXor, __atomic_fetch_xor, T)
#define EMU_ATOMIC_MINMAX(T)                           \
    EMU_ATOMIC_UPDATE(atomicMin, T, v < o ? v : o)     \
    EMU_ATOMIC_UPDATE(atomicMax, T, v > o ? v : o)

EMU_ATOMIC_FETCH(atomicAdd, __atomic_fetch_add, int)
EMU_ATOMIC_FETCH(atomicAdd, __atomic_fetch_add, unsigned int)
EMU_ATOMIC_FETCH(atomicAdd, __atomic_fetch_add, unsigned long long)
EMU_ATOMIC_UPDATE(atomicAdd, float, o + v)
EMU_ATOMIC_UPDATE(atomicAdd, double, o + v)
EMU_ATOMIC_FETCH(atomicSub, __atomic_fetch_sub, int)
EMU_ATOMIC_FETCH(atomicSub, __atomic_fetch_sub, unsigned int)
EMU_ATOMIC_FETCH(atomicExch, __atomic_exchange_n, int)
EMU_ATOMIC_FETCH(atomicExch, __atomic_exchange_n, unsigned int)
EMU_ATOMIC_FETCH(atomicExch, __atomic_exchange_n, unsigned long long)
EMU_ATOMIC_UPDATE(atomicExch, float, v)
EMU_ATOMIC_MINMAX(int)
EMU_ATOMIC_MINMAX(unsigned int)
EMU_ATOMIC_MINMAX(long long)
EMU_ATOMIC_MINMAX(unsigned long long)
EMU_ATOMIC_CAS(int)
EMU_ATOMIC_CAS(unsigned int)
EMU_ATOMIC_CAS(unsigned long long)
EMU_ATOMIC_BITS(int)
EMU_ATOMIC_BITS(unsigned int)
EMU_ATOMIC_BITS(unsigned long long)
#undef EMU_ATOMIC_FETCH
#undef EMU_ATOMIC_UPDATE
#undef EMU_ATOMIC_CAS
#undef EMU_ATOMIC_BITS
#undef EMU_ATOMIC_MINMAX

// A CPU is cache-coherent: a full fence gives every ordering CUDA's fences promise.
inline void __threadfence() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
inline void __threadfence_block() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

// Read-only cache loads are plain loads on the CPU.
template <class T>
inline T __ldg(const T* p) { return *p; }
