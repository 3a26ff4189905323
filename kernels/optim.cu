// Optimizer ops: the fused AdamW step (plain and masked), the step counter, the global sum of squares of several
// gradients (a fixed-order two-pass reduction), clipping by that sum read from device memory, Polyak averaging.
// Semantics and rounding are those of OptimOps / CpuOptim: the per-element float sequence is the same, with explicit
// fmaf and _rn operations so nvcc fuses nothing else, so results match the CPU backend bit for bit.
//
// AdamW reads the step counter t from device memory; each block's thread 0 computes the bias corrections in double,
// as the host backends do. A counter below 1 cannot be reported from the device: the kernel then changes nothing
// (host backends throw instead).
//
// The sum of squares always launches blocks of SQ_THREADS threads, each block summing a fixed 4096-element slice in
// double (x*x of a float is exact in double) and reducing in a fixed tree; a single block then adds the per-block
// partials in a fixed order. The result is the same on every run and for every backend block size.
//
// Napkin math at n = 16.8M parameters (4096 x 4096), H100 SXM (~3 TB/s reachable):
//   adamw: 2 FLOP-ish x 12 per entry, reads p, g, m, v (16 B) and writes p, m, v (12 B): 470 MB, ~0.16 ms;
//          masked adds 1 B/entry and skips the 16 B of reads at inactive entries (d = 0.1: ~270 MB, ~0.09 ms).
//   sumsq: reads 4 B/entry (67 MB, ~22 us), 4096 partials of 8 B.   clip: 8 B/entry (~45 us), skipped when s = 1.
//   polyak: 12 B/entry (~67 us).
#define SQ_THREADS 256
#define SQ_SLICE 4096

/** One AdamW update of one entry, in exactly CpuOptim's order of float operations. */
static __device__ __forceinline__ void adamw_entry(float& p, float g, float& m, float& v, float decay, float beta1,
                                                   float omb1, float beta2, float omb2, float eps, float neg_step,
                                                   float sqrt_bc2) {
    p = __fmul_rn(p, decay);
    m = fmaf(g, omb1, __fmul_rn(m, beta1));
    v = fmaf(__fmul_rn(g, g), omb2, __fmul_rn(v, beta2));
    const float denom = __fadd_rn(__fdiv_rn(__fsqrt_rn(v), sqrt_bc2), eps);
    p = fmaf(__fdiv_rn(m, denom), neg_step, p);
}

/**
 * AdamW over groups of 4 entries (grid-stride). mask may be null; inactive entries get +0.0 in p, m and v without
 * their old values being read. decay = 1 - lr*wd, omb1 = 1 - beta1, omb2 = 1 - beta2, rounded on the host.
 */
extern "C" __global__ void optim_adamw(float* p, const float* g, float* m, float* v, const unsigned char* mask,
                                       const int* step, long long n, float lr, float beta1, float beta2, float decay,
                                       float omb1, float omb2, float eps) {
    __shared__ float scalars[2];
    __shared__ int skip;
    if (threadIdx.x == 0) {
        const int t = *step;
        skip = t < 1;
        const double bc1 = 1.0 - pow((double)beta1, (double)t);
        const double bc2 = 1.0 - pow((double)beta2, (double)t);
        scalars[0] = (float)(-(double)lr / bc1);
        scalars[1] = (float)sqrt(bc2);
    }
    __syncthreads();
    if (skip) return;
    const float neg_step = scalars[0], sqrt_bc2 = scalars[1];
    const bool vec = ((unsigned long long)p | (unsigned long long)g | (unsigned long long)m |
                      (unsigned long long)v) % 16 == 0 && (unsigned long long)mask % 4 == 0;
    const long long groups = (n + 3) / 4;
    for (long long gi = (long long)blockIdx.x * blockDim.x + threadIdx.x; gi < groups;
         gi += (long long)gridDim.x * blockDim.x) {
        const long long e = 4 * gi;
        const int len = n - e < 4 ? (int)(n - e) : 4;
        unsigned active = 0xFu;
        if (mask != nullptr) {
            active = 0;
            for (int j = 0; j < len; ++j) active |= (unsigned)(mask[e + j] != 0) << j;
        }
        if (vec && len == 4) {
            float pa[4] = {0.0f, 0.0f, 0.0f, 0.0f}, ma[4] = {0.0f, 0.0f, 0.0f, 0.0f}, va[4] = {0.0f, 0.0f, 0.0f, 0.0f};
            if (active != 0) {
                const float4 pp = *reinterpret_cast<const float4*>(p + e);
                const float4 gg = *reinterpret_cast<const float4*>(g + e);
                const float4 mm = *reinterpret_cast<const float4*>(m + e);
                const float4 vv = *reinterpret_cast<const float4*>(v + e);
                const float ga[4] = {gg.x, gg.y, gg.z, gg.w};
                pa[0] = pp.x, pa[1] = pp.y, pa[2] = pp.z, pa[3] = pp.w;
                ma[0] = mm.x, ma[1] = mm.y, ma[2] = mm.z, ma[3] = mm.w;
                va[0] = vv.x, va[1] = vv.y, va[2] = vv.z, va[3] = vv.w;
#pragma unroll
                for (int j = 0; j < 4; ++j) {
                    if (active >> j & 1u) {
                        adamw_entry(pa[j], ga[j], ma[j], va[j], decay, beta1, omb1, beta2, omb2, eps, neg_step,
                                    sqrt_bc2);
                    } else {
                        pa[j] = ma[j] = va[j] = 0.0f;
                    }
                }
            }
            *reinterpret_cast<float4*>(p + e) = make_float4(pa[0], pa[1], pa[2], pa[3]);
            *reinterpret_cast<float4*>(m + e) = make_float4(ma[0], ma[1], ma[2], ma[3]);
            *reinterpret_cast<float4*>(v + e) = make_float4(va[0], va[1], va[2], va[3]);
            continue;
        }
        for (int j = 0; j < len; ++j) {
            if (active >> j & 1u) {
                float pj = p[e + j], mj = m[e + j], vj = v[e + j];
                adamw_entry(pj, g[e + j], mj, vj, decay, beta1, omb1, beta2, omb2, eps, neg_step, sqrt_bc2);
                p[e + j] = pj;
                m[e + j] = mj;
                v[e + j] = vj;
            } else {
                p[e + j] = m[e + j] = v[e + j] = 0.0f;
            }
        }
    }
}

/** step += 1 (one thread). */
extern "C" __global__ void optim_increment(int* step) {
    if (threadIdx.x == 0 && blockIdx.x == 0) *step += 1;
}

/** Sum of a double over the block in a fixed tree: warp shuffles, then warp 0 adds the warp sums in order. */
static __device__ __forceinline__ double sq_block_sum(double x, double* warp_sums) {
    const unsigned full = 0xFFFFFFFFu;
    for (int o = 16; o > 0; o >>= 1) x += __shfl_down_sync(full, x, o);
    if ((threadIdx.x & 31) == 0) warp_sums[threadIdx.x >> 5] = x;
    __syncthreads();
    double total = 0.0;
    if (threadIdx.x == 0) {
        for (int w = 0; w < (int)(blockDim.x >> 5); ++w) total += warp_sums[w];
    }
    return total;
}

/**
 * Pass 1 (blocks of SQ_THREADS): block b sums x[e]^2 over its slice [b, b+1) * SQ_SLICE into partial[b]. Thread t
 * adds entries 4t..4t+3 of each 1024-entry quarter, in that order, whether they load as a float4 or one by one.
 */
extern "C" __global__ void optim_sumsq_partial(const float* x, long long n, double* partial) {
    __shared__ double warp_sums[32];
    const bool vec = (unsigned long long)x % 16 == 0;
    double acc = 0.0;
    for (int it = 0; it < SQ_SLICE / (4 * SQ_THREADS); ++it) {
        const long long e = (long long)blockIdx.x * SQ_SLICE + it * 4 * SQ_THREADS + 4 * threadIdx.x;
        if (vec && e + 4 <= n) {
            const float4 q = *reinterpret_cast<const float4*>(x + e);
            acc += (double)q.x * q.x;
            acc += (double)q.y * q.y;
            acc += (double)q.z * q.z;
            acc += (double)q.w * q.w;
        } else {
            for (int j = 0; j < 4 && e + j < n; ++j) acc += (double)x[e + j] * x[e + j];
        }
    }
    const double total = sq_block_sum(acc, warp_sums);
    if (threadIdx.x == 0) partial[blockIdx.x] = total;
}

/** Pass 2 (one block of SQ_THREADS): out = (float) the sum of the partials, in a fixed order. */
extern "C" __global__ void optim_sumsq_final(const double* partial, int count, float* out) {
    __shared__ double warp_sums[32];
    double acc = 0.0;
    for (int i = threadIdx.x; i < count; i += blockDim.x) acc += partial[i];
    const double total = sq_block_sum(acc, warp_sums);
    if (threadIdx.x == 0) *out = (float)total;
}

/**
 * x *= min(1, max_norm / (sqrt(sum_sq) + 1e-6)), the scale computed in double from the device's sum_sq and rounded
 * to float once; nothing is written when the scale is 1 (a NaN scale propagates, as Math.min does).
 */
extern "C" __global__ void optim_clip(float* x, long long n, const float* sum_sq, float max_norm) {
    const double s = (double)max_norm / (sqrt((double)*sum_sq) + 1e-6);
    if (s >= 1.0) return;
    const float scale = (float)s;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        x[i] = __fmul_rn(x[i], scale);
    }
}

/** target = fma(source, tau, target * (1 - tau)) (one_minus_tau rounded on the host); tau = 1 is a copy on the host. */
extern "C" __global__ void optim_polyak(float* target, const float* source, long long n, float tau,
                                        float one_minus_tau) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        target[i] = fmaf(source[i], tau, __fmul_rn(target[i], one_minus_tau));
    }
}

#ifdef EMU_EXPORT_KERNEL
EMU_EXPORT_KERNEL(optim_adamw,
                  (float* p, const float* g, float* m, float* v, const unsigned char* mask, const int* step,
                   long long n, float lr, float beta1, float beta2, float decay, float omb1, float omb2, float eps),
                  (p, g, m, v, mask, step, n, lr, beta1, beta2, decay, omb1, omb2, eps))
EMU_EXPORT_KERNEL(optim_increment, (int* step), (step))
EMU_EXPORT_KERNEL(optim_sumsq_partial, (const float* x, long long n, double* partial), (x, n, partial))
EMU_EXPORT_KERNEL(optim_sumsq_final, (const double* partial, int count, float* out), (partial, count, out))
EMU_EXPORT_KERNEL(optim_clip, (float* x, long long n, const float* sum_sq, float max_norm), (x, n, sum_sq, max_norm))
EMU_EXPORT_KERNEL(optim_polyak, (float* target, const float* source, long long n, float tau, float one_minus_tau),
                  (target, source, n, tau, one_minus_tau))
#endif
