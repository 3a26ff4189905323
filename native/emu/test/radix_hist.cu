// One pass of a radix select over 32-bit keys: the histogram of the 8-bit digit at `shift`,
// counting only keys whose bits under prefix_mask equal prefix. Each block counts into a shared
// 256-bin histogram with shared-memory atomics and merges it into `hist` with global atomics.
extern "C" __global__ void radix_hist(const unsigned* __restrict__ keys, int n, unsigned prefix, unsigned prefix_mask,
                                      int shift, unsigned* hist) {
    __shared__ unsigned bins[256];
    for (int b = threadIdx.x; b < 256; b += blockDim.x) bins[b] = 0;
    __syncthreads();
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        const unsigned k = keys[i];
        if ((k & prefix_mask) == prefix) atomicAdd(&bins[(k >> shift) & 0xFFu], 1u);
    }
    __syncthreads();
    for (int b = threadIdx.x; b < 256; b += blockDim.x) {
        if (bins[b] != 0) atomicAdd(&hist[b], bins[b]);
    }
}

#ifdef EMU_EXPORT_KERNEL
EMU_EXPORT_KERNEL(radix_hist, (const unsigned* keys, int n, unsigned prefix, unsigned prefix_mask, int shift, unsigned* hist),
                  (keys, n, prefix, prefix_mask, shift, hist))
#endif
