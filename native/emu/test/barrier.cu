// Block barriers: the reducing variants, threads that exit before a barrier, and a deadlock.

// Thread t stores the results at out[r * blockDim.x + t]: every thread must see the same value.
extern "C" __global__ void sync_variants(int* out) {
    const int t = threadIdx.x, n = blockDim.x;
    out[0 * n + t] = __syncthreads_count(t % 3 == 0);
    out[1 * n + t] = __syncthreads_and(t < 1000);
    out[2 * n + t] = __syncthreads_and(t != 5);
    out[3 * n + t] = __syncthreads_or(t == n - 1);
    out[4 * n + t] = __syncthreads_or(0);
}

// Threads at and beyond n return before the barrier. On the GPU they stop counting for
// __syncthreads, so the rest pass it; EMU_STRICT=1 reports this instead.
extern "C" __global__ void early_exit(const int* in, int n, int* out) {
    __shared__ int s[1024];
    const int t = threadIdx.x;
    if (t >= n) return;
    s[t] = in[t];
    __syncthreads();
    out[t] = s[(t + 1) % n];
}

// Thread 0 waits at __syncthreads for its warp, which waits at __syncwarp for thread 0.
extern "C" __global__ void deadlock(int* out) {
    if (threadIdx.x == 0) {
        __syncthreads();
    } else {
        __syncwarp();
    }
    out[threadIdx.x] = 1;
}

#ifdef EMU_EXPORT_KERNEL
EMU_EXPORT_KERNEL(sync_variants, (int* out), (out))
EMU_EXPORT_KERNEL(early_exit, (const int* in, int n, int* out), (in, n, out))
EMU_EXPORT_KERNEL(deadlock, (int* out), (out))
#endif
