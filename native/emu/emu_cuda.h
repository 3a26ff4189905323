// CPU emulation of the CUDA execution model: the header every kernel TU is compiled with
// (`g++ -include emu_cuda.h`, see build.sh). The .cu sources stay unchanged; only
// `extern __shared__ T name[];` is rewritten to EMU_DYN_SHARED by dyn_shared.sed.
//
// Each CUDA thread runs as a fiber; all threads of a block share one OS thread, so
// `__shared__` variables are thread_local (one copy per worker thread).
#pragma once

// What nvcc's implicit cuda_runtime.h makes available to kernels. <math.h> is libstdc++'s
// wrapper, which puts the float overloads of exp, log, ... at global scope, as CUDA does.
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

// Qualifiers that only steer nvcc's code generation.
#define __global__
#define __device__
#define __host__
#define __constant__
#define __grid_constant__
#define __launch_bounds__(...)
#define __forceinline__ inline
#define __noinline__ __attribute__((noinline))
#define __align__(n) __attribute__((aligned(n)))
// __restrict__ is already a GNU keyword with CUDA's meaning.

// Without EMU_SHARED_STATIC every worker thread has its own copy, so blocks can run in
// parallel. ASan adds no redzones to TLS, so the ASan build uses plain statics (and one worker)
// to catch overflows of static shared arrays.
#ifdef EMU_SHARED_STATIC
#define __shared__ static
#else
#define __shared__ static thread_local
#endif

#include "emu_vector_types.h"

// Built-in variables, set by the scheduler before it resumes a fiber.
inline thread_local uint3 threadIdx;
inline thread_local uint3 blockIdx;
inline thread_local dim3 blockDim;
inline thread_local dim3 gridDim;
constexpr int warpSize = 32;

namespace emu::detail {
// Dynamic shared memory of the block running on this worker thread (exactly dynShmem bytes).
inline thread_local void* t_dyn_smem;
}  // namespace emu::detail

// Replacement for `extern __shared__ T name[];` (dyn_shared.sed). T may carry attributes such as
// __align__(16); decltype(name) names the pointer type without them. Outside a function the
// pointer would be initialised once, before any launch, hence the static_assert
// (__builtin_FUNCTION() is "" there).
#define EMU_DYN_SHARED(name, ...)                                                                           \
    static_assert(__builtin_FUNCTION()[0] != '\0', "extern __shared__ must be declared inside a function"); \
    __VA_ARGS__* const name = static_cast<decltype(name)>(::emu::detail::t_dyn_smem)

#include "emu_math.h"
#include "emu_atomics.h"
#include "emu_sync.h"
#include "emu_launch.h"
