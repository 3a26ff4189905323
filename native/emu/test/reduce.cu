// Whole-array reductions, each block reducing a grid-stride slice: the sum with
// __shfl_xor_sync and a float atomicAdd, the maximum twice (atomicMax on an order-preserving
// int and a CAS loop on the float), and the count of positive values twice (__ballot_sync with
// __popc, and __syncthreads_count). Warp partials live in dynamic shared memory.
// Requires blockDim.x to be a multiple of 32 and 3 * blockDim.x / 32 floats of shared memory.

// Maps floats to ints with the same order, so that an integer atomicMax finds the float max.
static __device__ __forceinline__ int ordered_int(float f) {
    const int i = __float_as_int(f);
    return i >= 0 ? i : i ^ 0x7FFFFFFF;
}

static __device__ void atomic_max_cas(float* addr, float v) {
    unsigned* a = reinterpret_cast<unsigned*>(addr);
    unsigned old = *a;
    while (__uint_as_float(old) < v) {
        const unsigned seen = atomicCAS(a, old, __float_as_uint(v));
        if (seen == old) break;
        old = seen;
    }
}

extern "C" __global__ void block_reduce(const float* __restrict__ x, int n, float* sum, int* max_ordered, float* max_cas,
                                        unsigned* positives_ballot, unsigned* positives_sync) {
    extern __shared__ float partial[];
    const unsigned full = 0xFFFFFFFFu;
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    float s = 0.0f, m = -INFINITY;
    unsigned ballot_count = 0, sync_count = 0;
    // The loop bound is uniform across the block, so every thread reaches every warp op and barrier.
    for (int base = blockIdx.x * blockDim.x; base < n; base += gridDim.x * blockDim.x) {
        const int i = base + threadIdx.x;
        const float v = i < n ? x[i] : 0.0f;
        if (i < n) {
            s += v;
            m = fmaxf(m, v);
        }
        ballot_count += __popc(__ballot_sync(full, v > 0.0f));
        sync_count += __syncthreads_count(v > 0.0f);
    }
    for (int d = 16; d > 0; d >>= 1) s += __shfl_xor_sync(full, s, d);
    for (int d = 16; d > 0; d >>= 1) m = fmaxf(m, __shfl_down_sync(full, m, d));
    if (lane == 0) {
        partial[warp] = s;
        partial[warps + warp] = m;
        partial[2 * warps + warp] = __uint_as_float(ballot_count);
    }
    __syncthreads();
    if (warp == 0) {
        s = lane < warps ? partial[lane] : 0.0f;
        m = lane < warps ? partial[warps + lane] : -INFINITY;
        unsigned c = lane < warps ? __float_as_uint(partial[2 * warps + lane]) : 0u;
        for (int d = 16; d > 0; d >>= 1) {
            s += __shfl_down_sync(full, s, d);
            m = fmaxf(m, __shfl_down_sync(full, m, d));
            c += __shfl_down_sync(full, c, d);
        }
        if (lane == 0) {
            atomicAdd(sum, s);
            atomicMax(max_ordered, ordered_int(m));
            atomic_max_cas(max_cas, m);
            atomicAdd(positives_ballot, c);
            atomicAdd(positives_sync, sync_count);
        }
    }
}

#ifdef EMU_EXPORT_KERNEL
EMU_EXPORT_KERNEL(block_reduce,
                  (const float* x, int n, float* sum, int* max_ordered, float* max_cas, unsigned* positives_ballot,
                   unsigned* positives_sync),
                  (x, n, sum, max_ordered, max_cas, positives_ballot, positives_sync))
#endif
