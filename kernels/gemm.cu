// Dense SGEMM, row-major: C = alpha * op(A) * op(B) + beta * C (+ bias[col]) (masked by mask[row][col]), for all
// four transposes. beta == 0 never reads C, so NaN in C does not leak. The optional bias and U8 mask serve the
// sparse layer: the forward pass fuses its bias, the masked weight gradient keeps only active entries
// (inactive ones become beta * C, as the op contract says).
//
// Versions held here:
//   1. sgemm_{nn,nt,tn,tt}_128: fp32 on CUDA cores, 128x128 block tile, BK = 8, 256 threads, 8x8 outputs per
//      thread (two 4x4 quads 64 rows/cols apart, so the fragment reads are float4 and conflict-free), register
//      prefetch of the next k tile into the second of two shared buffers: one barrier per k step.
//   2. sgemm_{nn,nt,tn,tt}_64: the same with a 64x64 tile and 64 threads, for products with few output tiles.
//   3. sgemm_tf32_{nn,nt,tn,tt}: TF32 tensor cores (mma.sync m16n8k8, sm_80+), 128x128 tile, BK = 16, 8 warps of
//      64x32. Inputs are rounded to TF32 (cvt.rna) when staged; accumulation is fp32. Off by default
//      (KernelBlas.setTf32). Below sm_80 and under the emulator the same kernel computes each accumulator
//      fragment with fp32 FMAs on the TF32-rounded tiles: same rounding of the inputs, portable code.
// Any of them can split k over gridDim.z (split-K): each slice writes raw sums to `partial`, and
// sgemm_splitk_reduce adds the slices in a fixed order and applies alpha, beta, bias and mask. The host
// (KernelBlas) picks the tile and the split so that about one wave of blocks covers the GPU. Results are
// run-to-run identical: no atomics, fixed summation order.
//
// Napkin math, H100 SXM (66.9 TFLOPS fp32, 494.7 TFLOPS TF32, 3.35 TB/s HBM, 50 MB L2, 132 SMs), for the layer
// forward of batch B = 256 and width N = 4096 (gemm NT, m = 256, n = 4096, k = 4096):
//   FLOPs 2*m*n*k = 8.59 G. Compulsory bytes: A 4 MiB + B 64 MiB + C 4 MiB = 72 MiB -> 22.5 us at HBM speed.
//   fp32: 8.59 G / 66.9 T = 128 us, compute-bound (intensity 119 FLOP/B vs ridge 20). 128x128 tiles give only
//   2 x 32 = 64 blocks for 132 SMs, so k is split in 2 (128 blocks; partials 2 x 4 MiB written and read back,
//   ~5 us). Tile traffic through L2: each block reads (128 + 128) * k floats = 4 MiB, 512 MiB in all, ~60 us of
//   L2 bandwidth, hidden behind the FMAs. Each thread does 64 FMAs per 4 float4 shared loads (16 FMA/load).
//   Expect ~75-85% of peak: ~150-170 us.
//   TF32: 17.4 us of tensor math; HBM-bound at ~22.5 us ideal; mma.sync without the Hopper wgmma path reaches
//   maybe half the TF32 peak, so ~35-45 us.
//   Weight gradient (gemm TN, m = n = 4096, k = 256): same FLOPs, 1024 tiles, no split; C = 64 MiB written.

#include "gemm_tile.cuh"

// Writes the 8x8 outputs of an fp32 kernel thread (see sgemm_fp32), four columns at a time: one float4 when C's rows
// are 16-byte aligned and the four columns are inside.
template <int HALF>
static __device__ __forceinline__ void sgemm_fp32_store(const float (&acc)[8][8], const GemmSlice& sl, int m0, int n0,
                                                        int tx, int ty, int m, int n, bool vecC) {
#pragma unroll
    for (int i = 0; i < 8; ++i) {
        const int row = m0 + (i < 4 ? ty * 4 + i : HALF + ty * 4 + i - 4);
        if (row >= m) {
            continue;
        }
#pragma unroll
        for (int h = 0; h < 2; ++h) {
            const int col = n0 + h * HALF + tx * 4;
            const size_t at = (size_t)row * n + col;
            if (vecC && col + 3 < n) {
                float4 old = make_float4(0.f, 0.f, 0.f, 0.f);
                if (sl.beta != 0.f) {
                    old = *reinterpret_cast<const float4*>(sl.out + at);
                }
                const float ov[4] = {old.x, old.y, old.z, old.w};
                float nv[4];
#pragma unroll
                for (int j = 0; j < 4; ++j) {
                    nv[j] = gemm_finish(acc[i][h * 4 + j], sl.alpha, 0.f, nullptr, at + j, sl.bias, col + j, sl.mask);
                    if (sl.beta != 0.f) {
                        nv[j] = fmaf(sl.beta, ov[j], nv[j]);
                    }
                }
                *reinterpret_cast<float4*>(sl.out + at) = make_float4(nv[0], nv[1], nv[2], nv[3]);
            } else {
#pragma unroll
                for (int j = 0; j < 4; ++j) {
                    if (col + j < n) {
                        sl.out[at + j] = gemm_finish(acc[i][h * 4 + j], sl.alpha, sl.beta, sl.out, at + j, sl.bias,
                                                     col + j, sl.mask);
                    }
                }
            }
        }
    }
}

// Versions 1 and 2: the fp32 kernel with a BM x BM tile, BM/8 x BM/8 threads, 8x8 outputs per thread: rows
// ty*4 + i and HALF + ty*4 + i, columns tx*4 + j and HALF + tx*4 + j (i, j < 4).
template <bool TA, bool TB, int BM>
static __device__ __forceinline__ void sgemm_fp32(const float* __restrict__ a, const float* __restrict__ b, float* c,
                                                  float* partial, const float* bias, const unsigned char* mask,
                                                  int m, int n, int k, int kChunk, float alpha, float beta,
                                                  int flags) {
    constexpr int BK = 8;
    constexpr int TPR = BM / 8;  // threads per row of the thread grid
    constexpr int HALF = BM / 2;
    constexpr int LD = BM + 4;  // keeps the transposing stores of k-contiguous tiles free of 2-way conflicts
    __shared__ __align__(16) float as[2][BK][LD];
    __shared__ __align__(16) float bs[2][BK][LD];
    const int tx = threadIdx.x % TPR;
    const int ty = threadIdx.x / TPR;
    const int m0 = blockIdx.y * BM;
    const int n0 = blockIdx.x * BM;
    const GemmSlice sl = gemm_slice(m, n, k, kChunk, c, partial, alpha, beta, bias, mask);

    float acc[8][8];
#pragma unroll
    for (int i = 0; i < 8; ++i) {
#pragma unroll
        for (int j = 0; j < 8; ++j) {
            acc[i][j] = 0.f;
        }
    }
    gemm_mainloop<TA, TB, BM, BK, TPR * TPR, LD, false>(
        a, b, m, n, k, sl, m0, n0, flags, as, bs, [&](const float (*sa)[LD], const float (*sb)[LD]) {
#pragma unroll
            for (int kk = 0; kk < BK; ++kk) {
                const float4 a0 = *reinterpret_cast<const float4*>(&sa[kk][ty * 4]);
                const float4 a1 = *reinterpret_cast<const float4*>(&sa[kk][HALF + ty * 4]);
                const float4 b0 = *reinterpret_cast<const float4*>(&sb[kk][tx * 4]);
                const float4 b1 = *reinterpret_cast<const float4*>(&sb[kk][HALF + tx * 4]);
                const float av[8] = {a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w};
                const float bv[8] = {b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w};
#pragma unroll
                for (int i = 0; i < 8; ++i) {
#pragma unroll
                    for (int j = 0; j < 8; ++j) {
                        acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
                    }
                }
            }
        });
    sgemm_fp32_store<HALF>(acc, sl, m0, n0, tx, ty, m, n, (flags & GEMM_VEC_C) != 0);
}

#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
// One m16n8k8 TF32 MMA on sm_80+: d += a * b, fragments as the PTX ISA lays them out.
static __device__ __forceinline__ void gemm_mma_tf32(float (&d)[4], const unsigned (&a)[4], const unsigned (&b)[2]) {
    asm volatile(
        "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}
#endif

// One 8-deep k step of a TF32 warp tile (64 x 32 at rows wm, columns wn of the staged tiles sa[k][m], sb[k][n]).
// Lane = 4 * g + t4 holds, of each 16x8 MMA tile (i, j), rows g and g + 8 and columns 2 * t4 and 2 * t4 + 1:
// accumulator r is row g + 8 * (r >> 1), column 2 * t4 + (r & 1).
template <int LD>
static __device__ __forceinline__ void gemm_tf32_step(float (&acc)[4][4][4], const float (*sa)[LD],
                                                      const float (*sb)[LD], int kb, int wm, int wn, int g, int t4) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    unsigned af[4][4];
    unsigned bf[4][2];
#pragma unroll
    for (int i = 0; i < 4; ++i) {
        const int r0 = wm + i * 16 + g;
        af[i][0] = __float_as_uint(sa[kb + t4][r0]);
        af[i][1] = __float_as_uint(sa[kb + t4][r0 + 8]);
        af[i][2] = __float_as_uint(sa[kb + t4 + 4][r0]);
        af[i][3] = __float_as_uint(sa[kb + t4 + 4][r0 + 8]);
    }
#pragma unroll
    for (int j = 0; j < 4; ++j) {
        bf[j][0] = __float_as_uint(sb[kb + t4][wn + j * 8 + g]);
        bf[j][1] = __float_as_uint(sb[kb + t4 + 4][wn + j * 8 + g]);
    }
#pragma unroll
    for (int i = 0; i < 4; ++i) {
#pragma unroll
        for (int j = 0; j < 4; ++j) {
            gemm_mma_tf32(acc[i][j], af[i], bf[j]);
        }
    }
#else
    // Portable: the same accumulator fragments, each summed over the 8 k of this step with fp32 FMAs.
    for (int i = 0; i < 4; ++i) {
        for (int j = 0; j < 4; ++j) {
            for (int r = 0; r < 4; ++r) {
                const int row = wm + i * 16 + g + 8 * (r >> 1);
                const int col = wn + j * 8 + 2 * t4 + (r & 1);
                for (int kk = 0; kk < 8; ++kk) {
                    acc[i][j][r] = fmaf(sa[kb + kk][row], sb[kb + kk][col], acc[i][j][r]);
                }
            }
        }
    }
#endif
}

// Writes a TF32 thread's fragments: each lane owns column pairs (2 * t4, 2 * t4 + 1), one float2 store when C's rows
// are aligned and both columns are inside.
static __device__ __forceinline__ void sgemm_tf32_store(const float (&acc)[4][4][4], const GemmSlice& sl, int r0,
                                                        int c0, int g, int t4, int m, int n, bool vecC) {
#pragma unroll
    for (int i = 0; i < 4; ++i) {
#pragma unroll
        for (int h = 0; h < 2; ++h) {
            const int row = r0 + i * 16 + g + 8 * h;
            if (row >= m) {
                continue;
            }
#pragma unroll
            for (int j = 0; j < 4; ++j) {
                const int col = c0 + j * 8 + 2 * t4;
                const size_t at = (size_t)row * n + col;
                if (col >= n) {
                    continue;
                }
                const float v0 = gemm_finish(acc[i][j][2 * h], sl.alpha, sl.beta, sl.out, at, sl.bias, col, sl.mask);
                if (vecC && col + 1 < n) {
                    const float v1 = gemm_finish(acc[i][j][2 * h + 1], sl.alpha, sl.beta, sl.out, at + 1, sl.bias,
                                                 col + 1, sl.mask);
                    *reinterpret_cast<float2*>(sl.out + at) = make_float2(v0, v1);
                    continue;
                }
                sl.out[at] = v0;
                if (col + 1 < n) {
                    sl.out[at + 1] = gemm_finish(acc[i][j][2 * h + 1], sl.alpha, sl.beta, sl.out, at + 1, sl.bias,
                                                 col + 1, sl.mask);
                }
            }
        }
    }
}

// Version 3: the TF32 kernel. Warp w covers rows (w / 4) * 64 .. +64 and columns (w % 4) * 32 .. +32 of the
// 128x128 tile as 4 x 4 MMA tiles of 16x8 (see gemm_tf32_step).
template <bool TA, bool TB>
static __device__ __forceinline__ void sgemm_tf32(const float* __restrict__ a, const float* __restrict__ b, float* c,
                                                  float* partial, const float* bias, const unsigned char* mask,
                                                  int m, int n, int k, int kChunk, float alpha, float beta,
                                                  int flags) {
    constexpr int BM = 128;
    constexpr int BK = 16;
    constexpr int LD = BM + 8;  // row stride = 8 mod 32 banks: the fragment reads (k = t4, mn = g) hit 32 banks
    __shared__ __align__(16) float as[2][BK][LD];
    __shared__ __align__(16) float bs[2][BK][LD];
    const int warp = threadIdx.x >> 5;
    const int lane = threadIdx.x & 31;
    const int g = lane >> 2;
    const int t4 = lane & 3;
    const int wm = (warp >> 2) * 64;
    const int wn = (warp & 3) * 32;
    const int m0 = blockIdx.y * BM;
    const int n0 = blockIdx.x * BM;
    const GemmSlice sl = gemm_slice(m, n, k, kChunk, c, partial, alpha, beta, bias, mask);

    float acc[4][4][4];
#pragma unroll
    for (int i = 0; i < 4; ++i) {
#pragma unroll
        for (int j = 0; j < 4; ++j) {
#pragma unroll
            for (int r = 0; r < 4; ++r) {
                acc[i][j][r] = 0.f;
            }
        }
    }
    gemm_mainloop<TA, TB, BM, BK, 256, LD, true>(
        a, b, m, n, k, sl, m0, n0, flags, as, bs, [&](const float (*sa)[LD], const float (*sb)[LD]) {
#pragma unroll
            for (int kb = 0; kb < BK; kb += 8) {
                gemm_tf32_step<LD>(acc, sa, sb, kb, wm, wn, g, t4);
            }
        });
    sgemm_tf32_store(acc, sl, m0 + wm, n0 + wn, g, t4, m, n, (flags & GEMM_VEC_C) != 0);
}

#define SGEMM_PARAMS                                                                                            \
    const float *__restrict__ a, const float *__restrict__ b, float *c, float *partial, const float *bias,      \
        const unsigned char *mask, int m, int n, int k, int kChunk, float alpha, float beta, int flags
#define SGEMM_ARGS a, b, c, partial, bias, mask, m, n, k, kChunk, alpha, beta, flags

// The exported entry points: one per transpose combination and version (nvcc needs extern "C" names).
#define SGEMM_ENTRY(name, body, bounds)                                 \
    extern "C" __global__ void __launch_bounds__ bounds name(SGEMM_PARAMS) { body(SGEMM_ARGS); }

SGEMM_ENTRY(sgemm_nn_128, (sgemm_fp32<false, false, 128>), (256, 2))
SGEMM_ENTRY(sgemm_nt_128, (sgemm_fp32<false, true, 128>), (256, 2))
SGEMM_ENTRY(sgemm_tn_128, (sgemm_fp32<true, false, 128>), (256, 2))
SGEMM_ENTRY(sgemm_tt_128, (sgemm_fp32<true, true, 128>), (256, 2))
SGEMM_ENTRY(sgemm_nn_64, (sgemm_fp32<false, false, 64>), (64))
SGEMM_ENTRY(sgemm_nt_64, (sgemm_fp32<false, true, 64>), (64))
SGEMM_ENTRY(sgemm_tn_64, (sgemm_fp32<true, false, 64>), (64))
SGEMM_ENTRY(sgemm_tt_64, (sgemm_fp32<true, true, 64>), (64))
SGEMM_ENTRY(sgemm_tf32_nn, (sgemm_tf32<false, false>), (256, 2))
SGEMM_ENTRY(sgemm_tf32_nt, (sgemm_tf32<false, true>), (256, 2))
SGEMM_ENTRY(sgemm_tf32_tn, (sgemm_tf32<true, false>), (256, 2))
SGEMM_ENTRY(sgemm_tf32_tt, (sgemm_tf32<true, true>), (256, 2))

// Finishes a split-K product: C = alpha * sum_z partial[z] (slices added in order z = 0, 1, ...), then mask,
// bias and beta exactly as the unsplit kernels apply them. One thread per element, grid-stride.
extern "C" __global__ void sgemm_splitk_reduce(const float* __restrict__ partial, float* c, const float* bias,
                                               const unsigned char* mask, int m, int n, int splits, float alpha,
                                               float beta) {
    const size_t total = (size_t)m * n;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (size_t)gridDim.x * blockDim.x) {
        float s = 0.f;
        for (int z = 0; z < splits; ++z) {
            s += partial[z * total + i];
        }
        c[i] = gemm_finish(s, alpha, beta, c, i, bias, (int)(i % n), mask);
    }
}

#ifdef EMU_EXPORT_KERNEL
#define SGEMM_EXPORT(name)                                                                                     \
    EMU_EXPORT_KERNEL(name,                                                                                    \
                      (const float* __restrict__ a, const float* __restrict__ b, float* c, float* partial,       \
                       const float* bias, const unsigned char* mask, int m, int n, int k, int kChunk,         \
                       float alpha, float beta, int flags),                                                    \
                      (SGEMM_ARGS))
SGEMM_EXPORT(sgemm_nn_128)
SGEMM_EXPORT(sgemm_nt_128)
SGEMM_EXPORT(sgemm_tn_128)
SGEMM_EXPORT(sgemm_tt_128)
SGEMM_EXPORT(sgemm_nn_64)
SGEMM_EXPORT(sgemm_nt_64)
SGEMM_EXPORT(sgemm_tn_64)
SGEMM_EXPORT(sgemm_tt_64)
SGEMM_EXPORT(sgemm_tf32_nn)
SGEMM_EXPORT(sgemm_tf32_nt)
SGEMM_EXPORT(sgemm_tf32_tn)
SGEMM_EXPORT(sgemm_tf32_tt)
EMU_EXPORT_KERNEL(sgemm_splitk_reduce,
                  (const float* __restrict__ partial, float* c, const float* bias, const unsigned char* mask, int m,
                   int n, int splits, float alpha, float beta),
                  (partial, c, bias, mask, m, n, splits, alpha, beta))
#endif
