// Random tensors from the counter-based Philox stream (seed, stream), bit-identical to RefRandom and CpuRandom: the
// value at flat index i depends only on (seed, stream, i); float results are computed in double and rounded once.
//   rand_uniform  lo + (hi - lo) * uniform(word i)      (hi - lo computed in double on the host)
//   rand_normal   mean + std * normal(i)                (Box-Muller on words 0, 1 of block i, in double)
//   rand_ints     (word i * bound) >> 32
// Uniform and ints give each thread one Philox block (4 consecutive entries, stored as one float4 / int4 when
// aligned); normal gives each thread one entry (one block per normal).
//
// Double-precision log and cos differ between libraries in the last bit now and then; rounding to float hides that
// except with probability ~2^-28 per normal, so the CUDA and reference normals agree in practice, not by proof.
//
// Napkin math at n = 16.8M: uniform / ints: 4.2M Philox blocks (~40 integer ops each, ~0.2G ops) and 67 MB of
// stores: ~25 us on an H100, store-bound. normal: 16.8M blocks plus a double log, sqrt and cos each (~100 FP64
// ops): ~2G FP64 ops, ~0.1 ms at the H100's ~34 FP64 TFLOP/s (non-tensor).
#include "philox.cuh"

static __device__ __forceinline__ float rand_affine(double offset, double scale, double x) {
    return (float)philox_dadd(offset, philox_dmul(scale, x));
}

extern "C" __global__ void rand_uniform(float* out, long long n, unsigned long long seed, unsigned long long stream,
                                        double lo, double scale) {
    const bool vec = (unsigned long long)out % 16 == 0;
    const long long groups = (n + 3) / 4;
    for (long long g = (long long)blockIdx.x * blockDim.x + threadIdx.x; g < groups;
         g += (long long)gridDim.x * blockDim.x) {
        const uint4 b = philox_block(seed, stream, (unsigned long long)g);
        const float x[4] = {rand_affine(lo, scale, philox_uniform(b.x)), rand_affine(lo, scale, philox_uniform(b.y)),
                            rand_affine(lo, scale, philox_uniform(b.z)), rand_affine(lo, scale, philox_uniform(b.w))};
        const long long e = 4 * g;
        if (vec && e + 4 <= n) {
            *reinterpret_cast<float4*>(out + e) = make_float4(x[0], x[1], x[2], x[3]);
        } else {
            for (int j = 0; j < 4 && e + j < n; ++j) out[e + j] = x[j];
        }
    }
}

extern "C" __global__ void rand_normal(float* out, long long n, unsigned long long seed, unsigned long long stream,
                                       double mean, double std) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        out[i] = rand_affine(mean, std, philox_normal(seed, stream, (unsigned long long)i));
    }
}

extern "C" __global__ void rand_ints(int* out, long long n, unsigned long long seed, unsigned long long stream,
                                     int bound) {
    const bool vec = (unsigned long long)out % 16 == 0;
    const long long groups = (n + 3) / 4;
    const unsigned b32 = (unsigned)bound;
    for (long long g = (long long)blockIdx.x * blockDim.x + threadIdx.x; g < groups;
         g += (long long)gridDim.x * blockDim.x) {
        const uint4 b = philox_block(seed, stream, (unsigned long long)g);
        const int x[4] = {(int)philox_below(b.x, b32), (int)philox_below(b.y, b32), (int)philox_below(b.z, b32),
                          (int)philox_below(b.w, b32)};
        const long long e = 4 * g;
        if (vec && e + 4 <= n) {
            *reinterpret_cast<int4*>(out + e) = make_int4(x[0], x[1], x[2], x[3]);
        } else {
            for (int j = 0; j < 4 && e + j < n; ++j) out[e + j] = x[j];
        }
    }
}

#ifdef EMU_EXPORT_KERNEL
EMU_EXPORT_KERNEL(rand_uniform,
                  (float* out, long long n, unsigned long long seed, unsigned long long stream, double lo,
                   double scale),
                  (out, n, seed, stream, lo, scale))
EMU_EXPORT_KERNEL(rand_normal,
                  (float* out, long long n, unsigned long long seed, unsigned long long stream, double mean,
                   double std),
                  (out, n, seed, stream, mean, std))
EMU_EXPORT_KERNEL(rand_ints, (int* out, long long n, unsigned long long seed, unsigned long long stream, int bound),
                  (out, n, seed, stream, bound))
#endif
