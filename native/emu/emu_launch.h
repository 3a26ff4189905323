// Launching kernels from C++ (emu::launch) and exporting them to Java (EMU_EXPORT_KERNEL).
#pragma once

#include <type_traits>
#include <utility>

#include "emu_abi.h"

namespace emu {
namespace detail {
// A launch as the runtime sees it: thread_main(ctx) runs the kernel for the current fiber.
struct LaunchDesc {
    void (*thread_main)(const void* ctx);
    const void* ctx;
    dim3 grid;
    dim3 block;
    size_t dyn_shmem;
};
int run_launch(const LaunchDesc& desc);

// Implicit conversion only, as for an ordinary call.
template <class T>
inline T convert(T v) { return v; }
}  // namespace detail

// Runs kernel<<<grid, block, dyn_shmem>>>(args...) to completion and returns an emu_status.
// Arguments are converted to the kernel's parameter types. One launch runs at a time.
template <class... P, class... A>
int launch(void (*kernel)(P...), dim3 grid, dim3 block, size_t dyn_shmem, A&&... args) {
    static_assert(sizeof...(P) == sizeof...(A), "wrong number of kernel arguments");
    // Every thread calls the kernel with its own copy of the arguments, as CUDA passes them by value.
    const auto body = [kernel, ... a = detail::convert<P>(std::forward<A>(args))] { kernel(a...); };
    using Body = decltype(body);
    return detail::run_launch({[](const void* b) { (*static_cast<const Body*>(b))(); }, &body, grid, block, dyn_shmem});
}
}  // namespace emu

namespace emu {
// One letter per kernel parameter, as Java declares them (dev.topiary.backend.kernel.ArgType): p pointer,
// i 32-bit integer, l 64-bit integer, f float, d double. Java checks its declaration against it before the first
// launch, so a parameter list that drifts between a .cu file and its Java caller fails loudly, never silently.
template <class T> struct arg_code;
template <class T> struct arg_code<T*> { static constexpr char value = 'p'; };
template <> struct arg_code<int> { static constexpr char value = 'i'; };
template <> struct arg_code<unsigned> { static constexpr char value = 'i'; };
template <> struct arg_code<long> { static constexpr char value = 'l'; };
template <> struct arg_code<unsigned long> { static constexpr char value = 'l'; };
template <> struct arg_code<long long> { static constexpr char value = 'l'; };
template <> struct arg_code<unsigned long long> { static constexpr char value = 'l'; };
template <> struct arg_code<float> { static constexpr char value = 'f'; };
template <> struct arg_code<double> { static constexpr char value = 'd'; };

template <class F> struct signature_of;
template <class... P> struct signature_of<void (*)(P...)> {
    static constexpr char value[] = {arg_code<P>::value..., '\0'};
};

namespace detail {
// Every exported kernel registers its name and signature when the library loads (emu_kernel_count and friends).
void register_kernel(const char* name, const char* signature);
struct KernelRegistrar {
    KernelRegistrar(const char* name, const char* signature) { register_kernel(name, signature); }
};
}  // namespace detail
}  // namespace emu

#define EMU_UNPAREN(...) __VA_ARGS__
#define EMU_COMMA_LIST(...) __VA_OPT__(, ) __VA_ARGS__

// Defines `extern "C" int emu_launch_<symbol>(gx, gy, gz, bx, by, bz, dyn_shmem, params...)`,
// the entry point described in emu_abi.h. params is the kernel's parameter list in parentheses
// (checked against the kernel's type), args the same names in parentheses. A kernel name with
// commas (a template-id) goes in parentheses too. Put the lines at the end of the .cu, inside
// `#ifdef EMU_EXPORT_KERNEL`, so that nvcc never sees them:
//
//   #ifdef EMU_EXPORT_KERNEL
//   EMU_EXPORT_KERNEL(saxpy, (int n, float a, const float* x, float* y), (n, a, x, y))
//   EMU_EXPORT_KERNEL_AS(sgemm_64, (sgemm<64, 4>), (const float* a, float* c), (a, c))
//   #endif
#define EMU_EXPORT_KERNEL_AS(symbol, kernel, params, args)                                                  \
    static_assert(std::is_same_v<decltype(&kernel), void(*) params>,                                        \
                  "EMU_EXPORT_KERNEL(" #symbol "): the parameter list differs from the kernel's");           \
    extern "C" EMU_API int emu_launch_##symbol(unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, \
                                               unsigned bz, unsigned long dyn_shmem EMU_COMMA_LIST params) { \
        return ::emu::launch(kernel, dim3(gx, gy, gz), dim3(bx, by, bz), dyn_shmem EMU_COMMA_LIST args);    \
    }                                                                                                         \
    static const ::emu::detail::KernelRegistrar emu_registrar_##symbol(                                       \
        #symbol, ::emu::signature_of<decltype(&kernel)>::value);
#define EMU_EXPORT_KERNEL(name, params, args) EMU_EXPORT_KERNEL_AS(name, name, params, args)
