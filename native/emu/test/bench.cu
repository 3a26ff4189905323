// Micro-benchmarks of the emulator's synchronisation cost.

extern "C" __global__ void sync_loop(int iters) {
    for (int i = 0; i < iters; ++i) __syncthreads();
}

extern "C" __global__ void shfl_loop(int iters, int* out) {
    int v = threadIdx.x;
    for (int i = 0; i < iters; ++i) v = __shfl_xor_sync(0xFFFFFFFFu, v, 1) + 1;
    out[threadIdx.x] = v;
}

extern "C" __global__ void empty_kernel() {}

#ifdef EMU_EXPORT_KERNEL
EMU_EXPORT_KERNEL(sync_loop, (int iters), (iters))
EMU_EXPORT_KERNEL(shfl_loop, (int iters, int* out), (iters, out))
EMU_EXPORT_KERNEL(empty_kernel, (), ())
#endif
