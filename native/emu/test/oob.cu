// Planted out-of-bounds reads, which the ASan build must report (they are never run otherwise).

// The last thread reads x[n], one element past the end.
extern "C" __global__ void oob_global(const float* x, int n, float* out) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = x[i + 1];
}

// Launch with 64 threads: the last one reads s[64].
extern "C" __global__ void oob_shared(float* out) {
    __shared__ float s[64];
    s[threadIdx.x] = static_cast<float>(threadIdx.x);
    __syncthreads();
    out[threadIdx.x] = s[threadIdx.x + 1];
}

#ifdef EMU_EXPORT_KERNEL
EMU_EXPORT_KERNEL(oob_global, (const float* x, int n, float* out), (x, n, out))
EMU_EXPORT_KERNEL(oob_shared, (float* out), (out))
#endif
