// Tile machinery shared by the GEMM kernels of gemm.cu: TF32 rounding, the output element rule, the loads of
// op(A) / op(B) tiles into registers and their k-major stores into shared memory, the split-K slice of a block, and
// the double-buffered main loop (register prefetch of the next k tile, one barrier per k step).
#pragma once

#define GEMM_VEC_A 1  // A's leading dimension is a multiple of 4 and A is 16-byte aligned
#define GEMM_VEC_B 2
#define GEMM_VEC_C 4  // n is a multiple of 4 and C (or the partial buffer) is 16-byte aligned

// Rounds to TF32 (10 explicit mantissa bits), to nearest with ties away from zero, as cvt.rna.tf32.f32 does.
static __device__ __forceinline__ float gemm_tf32_round(float x) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    unsigned u;
    asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(u) : "f"(x));
    return __uint_as_float(u);
#else
    unsigned u = __float_as_uint(x);
    if ((u & 0x7f800000u) != 0x7f800000u) {  // Inf and NaN stay as they are
        u = (u + 0x1000u) & 0xffffe000u;
    }
    return __uint_as_float(u);
#endif
}

// One output element: alpha * acc, masked, plus bias, plus beta * C (C not read when beta == 0).
static __device__ __forceinline__ float gemm_finish(float acc, float alpha, float beta, const float* c, size_t at,
                                                   const float* bias, int col, const unsigned char* mask) {
    float v = alpha * acc;
    if (mask != nullptr && mask[at] == 0) {
        v = 0.f;
    }
    if (bias != nullptr) {
        v += bias[col];
    }
    if (beta != 0.f) {
        v = fmaf(beta, c[at], v);
    }
    return v;
}

// Loads this thread's share of a TMN x BK tile of op(X) into registers, zero outside [mnEnd) x [kEnd).
// KCONTIG: X is stored with k contiguous (X[mn * ld + k]: A untransposed, B transposed); otherwise mn is
// contiguous (X[k * ld + mn]). Each thread moves V groups of 4 consecutive elements along the contiguous
// dimension, as one float4 when aligned and inside the matrix.
template <bool KCONTIG, int TMN, int BK, int THREADS>
static __device__ __forceinline__ void gemm_load(float4 (&r)[TMN * BK / (4 * THREADS)], const float* __restrict__ x,
                                                 int ld, int mn0, int mnEnd, int k0, int kEnd, bool vec, int tid) {
    constexpr int V = TMN * BK / (4 * THREADS);
#pragma unroll
    for (int v = 0; v < V; ++v) {
        const int idx = tid + v * THREADS;
        const int mn = mn0 + (KCONTIG ? idx / (BK / 4) : (idx % (TMN / 4)) * 4);
        const int kk = k0 + (KCONTIG ? (idx % (BK / 4)) * 4 : idx / (TMN / 4));
        const float* p = KCONTIG ? x + (size_t)mn * ld + kk : x + (size_t)kk * ld + mn;
        const bool inside = KCONTIG ? (mn < mnEnd && kk + 3 < kEnd) : (kk < kEnd && mn + 3 < mnEnd);
        if (vec && inside) {
            r[v] = __ldg(reinterpret_cast<const float4*>(p));
        } else {
            float e[4];
#pragma unroll
            for (int i = 0; i < 4; ++i) {
                const bool in = KCONTIG ? (mn < mnEnd && kk + i < kEnd) : (kk < kEnd && mn + i < mnEnd);
                e[i] = in ? __ldg(p + i) : 0.f;
            }
            r[v] = make_float4(e[0], e[1], e[2], e[3]);
        }
    }
}

// Stores the registers of gemm_load into a k-major shared tile s[BK][LD] (s[k][mn]), optionally rounded to TF32.
template <bool KCONTIG, int TMN, int BK, int THREADS, int LD, bool TF32>
static __device__ __forceinline__ void gemm_store(const float4 (&r)[TMN * BK / (4 * THREADS)], float (*s)[LD],
                                                  int tid) {
    constexpr int V = TMN * BK / (4 * THREADS);
#pragma unroll
    for (int v = 0; v < V; ++v) {
        const int idx = tid + v * THREADS;
        float4 q = r[v];
        if (TF32) {
            q = make_float4(gemm_tf32_round(q.x), gemm_tf32_round(q.y), gemm_tf32_round(q.z), gemm_tf32_round(q.w));
        }
        if (KCONTIG) {
            const int mn = idx / (BK / 4);
            const int kk = (idx % (BK / 4)) * 4;
            s[kk][mn] = q.x;
            s[kk + 1][mn] = q.y;
            s[kk + 2][mn] = q.z;
            s[kk + 3][mn] = q.w;
        } else {
            *reinterpret_cast<float4*>(&s[idx / (TMN / 4)][(idx % (TMN / 4)) * 4]) = q;
        }
    }
}

// Where a block's k slice starts and ends, and where its output goes (C, or its slice of the partial buffer).
struct GemmSlice {
    int kBegin;
    int kEnd;
    float* out;
    float alpha;
    float beta;
    const float* bias;
    const unsigned char* mask;
};

static __device__ __forceinline__ GemmSlice gemm_slice(int m, int n, int k, int kChunk, float* c, float* partial,
                                                       float alpha, float beta, const float* bias,
                                                       const unsigned char* mask) {
    GemmSlice s;
    s.kBegin = (int)blockIdx.z * kChunk;
    s.kEnd = min(k, s.kBegin + kChunk);
    if (partial != nullptr) {  // split-K: raw sums, the reduce kernel finishes
        s.out = partial + (size_t)blockIdx.z * m * n;
        s.alpha = 1.f;
        s.beta = 0.f;
        s.bias = nullptr;
        s.mask = nullptr;
    } else {
        s.out = c;
        s.alpha = alpha;
        s.beta = beta;
        s.bias = bias;
        s.mask = mask;
    }
    return s;
}

// The k loop of one block: stages op(A) rows [m0, m0 + BM) and op(B) columns [n0, n0 + BM) of each BK-deep k step
// of the block's slice into as / bs (k-major, TF32-rounded if asked) and calls step(as[buf], bs[buf]) on it, while
// the next step's global loads are in flight. Two buffers, one barrier per step.
template <bool TA, bool TB, int BM, int BK, int THREADS, int LD, bool TF32, class Step>
static __device__ __forceinline__ void gemm_mainloop(const float* __restrict__ a, const float* __restrict__ b, int m,
                                                     int n, int k, const GemmSlice& sl, int m0, int n0, int flags,
                                                     float (&as)[2][BK][LD], float (&bs)[2][BK][LD], Step step) {
    constexpr int V = BM * BK / (4 * THREADS);
    const int tid = threadIdx.x;
    const int lda = TA ? m : k;
    const int ldb = TB ? k : n;
    const bool vecA = (flags & GEMM_VEC_A) != 0;
    const bool vecB = (flags & GEMM_VEC_B) != 0;
    float4 ra[V];
    float4 rb[V];
    const int tiles = sl.kEnd > sl.kBegin ? (sl.kEnd - sl.kBegin + BK - 1) / BK : 0;
    if (tiles > 0) {
        gemm_load<!TA, BM, BK, THREADS>(ra, a, lda, m0, m, sl.kBegin, sl.kEnd, vecA, tid);
        gemm_load<TB, BM, BK, THREADS>(rb, b, ldb, n0, n, sl.kBegin, sl.kEnd, vecB, tid);
        gemm_store<!TA, BM, BK, THREADS, LD, TF32>(ra, as[0], tid);
        gemm_store<TB, BM, BK, THREADS, LD, TF32>(rb, bs[0], tid);
    }
    __syncthreads();
    for (int t = 0; t < tiles; ++t) {
        const int buf = t & 1;
        const bool more = t + 1 < tiles;
        if (more) {  // the next tile's global loads overlap this tile's arithmetic
            const int k0 = sl.kBegin + (t + 1) * BK;
            gemm_load<!TA, BM, BK, THREADS>(ra, a, lda, m0, m, k0, sl.kEnd, vecA, tid);
            gemm_load<TB, BM, BK, THREADS>(rb, b, ldb, n0, n, k0, sl.kEnd, vecB, tid);
        }
        step(as[buf], bs[buf]);
        if (more) {
            gemm_store<!TA, BM, BK, THREADS, LD, TF32>(ra, as[buf ^ 1], tid);
            gemm_store<TB, BM, BK, THREADS, LD, TF32>(rb, bs[buf ^ 1], tid);
        }
        __syncthreads();
    }
}
