// The compact (CSR + CSC) products of a sparse linear layer Y = X (W ⊙ M)^T + b, with X [batch x in],
// W [out x in] stored as its non-zeros only (see SparseWeight):
//   forward  Y  = X W^T + b                 sparse_spmm_fm over the CSR rows
//   dX       dX = dY W + beta dX            sparse_spmm_fm over the CSC columns (values read through perm)
//   dW       dW[p] = sum_b dY[b][o] X[b][c] + beta dW[p] for each non-zero p = (o, c)   sparse_sddmm_fm
// The DENSE and MASKED layouts go through the GEMM (gemm.cu) with a fused bias or output mask instead.
//
// Both kernels read the activations feature-major (sparse_transpose_pad makes X^T or dY^T, [features x ld] with
// ld = batch rounded up to 256 and zero padding), so each non-zero meets a contiguous run of samples.
//
// sparse_spmm_fm: a block owns 64 output features x 128 samples; warp w owns 8 of the features, lane l the 4
//   samples 4l .. 4l+3 (one float4). The block walks the input features in chunks of 32: the chunk's activations
//   (32 x 128 floats) are staged in shared memory (double-buffered, one barrier per chunk), then every warp applies
//   the non-zeros of its 8 rows that fall in the chunk (a per-row cursor, warp-uniform, so no divergence). The
//   results go back through shared memory so that Y [batch x out] is written in coalesced rows.
// sparse_sddmm_fm: a block owns 32 output features, one per 8-lane subgroup, and all samples, 256 at a time; each
//   subgroup holds its feature's 256 samples of dY in registers; chunks of 16 input features x 256 samples are
//   staged; each non-zero is a 256-long dot product (32 FMAs per lane, then a butterfly of 3 shuffles within the
//   subgroup), 4 non-zeros per warp step.
//
// Napkin math, H100 SXM, batch B = 256, in = out = N = 4096, density d = 0.1 (nnz = 1.68 M):
//   forward FLOPs 2 * B * nnz = 0.86 G (10% of dense). Compulsory bytes: X 4 MiB + Y 4 MiB + values and
//   column indices 13.4 MiB = 21 MiB -> 6.3 us at 3.35 TB/s; compute at fp32 peak 12.8 us.
//   What bounds it: each FMA needs its own activation value from shared memory (a non-zero's weight is reused
//   across the 4 samples of a lane, but no activation is reused across rows of an unstructured pattern), and
//   shared memory delivers 128 B/clk/SM = 32 floats per 128 FMA lanes: at most 25% of fp32 peak, 51 us.
//   Staging traffic through L2: (N / 64) blocks rows x B x N x 4 B = 256 MiB -> ~35 us at ~7 TB/s, overlapped.
//   Expect ~55-65 us, 2.3-2.8x faster than the dense fp32 GEMM (~150 us); the ratio grows as d falls until the
//   staging traffic (independent of d) dominates below d ~ 0.03.
//   dX: the same with the CSC index, plus one dependent load (perm) per non-zero. dW: 0.86 GFLOP; per warp step 8
//   shared float4 loads per lane (32 wavefronts) feed 1024 FMAs, the same 25% ceiling; ~60-70 us.
//   Transposes: 2 x 4 MiB read and written, ~5 us.

#define SPMM_ROWS 64        // output features per block
#define SPMM_ROWS_PER_WARP 8
#define SPMM_SAMPLES 128    // samples per block: 32 lanes x 4
#define SPMM_CHUNK 32       // input features staged per step
#define SPMM_YLD 132        // row stride of the output staging tile: keeps float4 stores aligned
#define SDDMM_ROWS 32
#define SDDMM_SAMPLES 256   // 8 lanes x 32 per row
#define SDDMM_CHUNK 16
#define SPARSE_NO_COL 0x7fffffff

// dst[c][r] = src[r][c] for r < rows, 0 for rows <= r < ldd: src [rows x cols] row-major, dst [cols x ldd].
// Fixed launch: blocks of 32 x 8 threads, grid (ceil(cols / 32), ceil(ldd / 128)); a block moves up to four
// 32 x 32 tiles through shared memory (padded against bank conflicts) and writes the padding past `rows` directly.
extern "C" __global__ void sparse_transpose_pad(const float* __restrict__ src, float* __restrict__ dst, int rows,
                                                int cols, int ldd) {
    __shared__ float tile[32][33];
    const int c0 = blockIdx.x * 32;
    const int rEnd = min(ldd, (int)(blockIdx.y + 1) * 128);
    for (int r0 = blockIdx.y * 128; r0 < rEnd; r0 += 32) {
        if (r0 >= rows) {  // block-uniform: a tile of padding only
            for (int i = threadIdx.y; i < 32; i += 8) {
                const int c = c0 + i;
                if (c < cols && r0 + (int)threadIdx.x < ldd) {
                    dst[(size_t)c * ldd + r0 + threadIdx.x] = 0.f;
                }
            }
            continue;
        }
        for (int i = threadIdx.y; i < 32; i += 8) {
            const int r = r0 + i;
            const int c = c0 + threadIdx.x;
            tile[i][threadIdx.x] = (r < rows && c < cols) ? src[(size_t)r * cols + c] : 0.f;
        }
        __syncthreads();
        for (int i = threadIdx.y; i < 32; i += 8) {
            const int c = c0 + i;
            const int r = r0 + threadIdx.x;
            if (c < cols && r < ldd) {
                dst[(size_t)c * ldd + r] = tile[threadIdx.x][i];
            }
        }
        __syncthreads();
    }
}

// Loads this thread's 4 float4 of a SPMM_CHUNK x SPMM_SAMPLES chunk of xt (rows c0 .. c0+31, samples b0 ..).
static __device__ __forceinline__ void spmm_load(float4 (&r)[4], const float* __restrict__ xt, int ld, int c0,
                                                 int ncols, int b0, int tid) {
#pragma unroll
    for (int v = 0; v < 4; ++v) {
        const int idx = tid + v * 256;
        const int c = c0 + idx / (SPMM_SAMPLES / 4);
        const int s = (idx % (SPMM_SAMPLES / 4)) * 4;
        r[v] = c < ncols ? __ldg(reinterpret_cast<const float4*>(xt + (size_t)c * ld + b0 + s))
                         : make_float4(0.f, 0.f, 0.f, 0.f);
    }
}

static __device__ __forceinline__ void spmm_store(const float4 (&r)[4], float* xs, int tid) {
#pragma unroll
    for (int v = 0; v < 4; ++v) {
        const int idx = tid + v * 256;
        *reinterpret_cast<float4*>(xs + (idx / (SPMM_SAMPLES / 4)) * SPMM_SAMPLES + (idx % (SPMM_SAMPLES / 4)) * 4) =
            r[v];
    }
}

// y[b][row] = sum over the row's non-zeros p of vals[perm ? perm[p] : p] * xt[idx[p]][b], plus bias[row] or
// beta * y[b][row] (y not read when beta == 0). y is [batch x rows]; ptr has rows + 1 entries; the column indices
// of each row ascend. Fixed launch: 256 threads, grid (ceil(rows / 64), ceil(batch / 128)); xt has ld >= the
// batch rounded up to 128, finite padding.
extern "C" __global__ void __launch_bounds__(256) sparse_spmm_fm(const float* __restrict__ xt, int ld,
                                                                 const int* __restrict__ ptr,
                                                                 const int* __restrict__ idx,
                                                                 const int* __restrict__ perm,
                                                                 const float* __restrict__ vals, int rows, int ncols,
                                                                 int batch, const float* __restrict__ bias, float beta,
                                                                 float* y) {
    // Two chunk buffers during the main loop; the output staging tile afterwards.
    __shared__ __align__(16) float smem[SPMM_ROWS * SPMM_YLD];
    const int tid = threadIdx.x;
    const int warp = tid >> 5;
    const int lane = tid & 31;
    const int row0 = blockIdx.x * SPMM_ROWS;
    const int b0 = blockIdx.y * SPMM_SAMPLES;

    int p[SPMM_ROWS_PER_WARP];
    int end[SPMM_ROWS_PER_WARP];
    int next[SPMM_ROWS_PER_WARP];  // column of the row's next unapplied non-zero, or SPARSE_NO_COL
    float4 acc[SPMM_ROWS_PER_WARP];
#pragma unroll
    for (int r = 0; r < SPMM_ROWS_PER_WARP; ++r) {
        const int row = row0 + warp * SPMM_ROWS_PER_WARP + r;
        p[r] = row < rows ? __ldg(ptr + row) : 0;
        end[r] = row < rows ? __ldg(ptr + row + 1) : 0;
        next[r] = p[r] < end[r] ? __ldg(idx + p[r]) : SPARSE_NO_COL;
        acc[r] = make_float4(0.f, 0.f, 0.f, 0.f);
    }

    float4 stage[4];
    const int chunks = (ncols + SPMM_CHUNK - 1) / SPMM_CHUNK;
    spmm_load(stage, xt, ld, 0, ncols, b0, tid);
    spmm_store(stage, smem, tid);
    __syncthreads();
    for (int t = 0; t < chunks; ++t) {
        const float* xs = smem + (t & 1) * (SPMM_CHUNK * SPMM_SAMPLES);
        const int c0 = t * SPMM_CHUNK;
        const bool more = t + 1 < chunks;
        if (more) {
            spmm_load(stage, xt, ld, c0 + SPMM_CHUNK, ncols, b0, tid);
        }
#pragma unroll
        for (int r = 0; r < SPMM_ROWS_PER_WARP; ++r) {
            while (next[r] < c0 + SPMM_CHUNK) {  // warp-uniform: every lane walks the same row
                const float v = __ldg(vals + (perm != nullptr ? __ldg(perm + p[r]) : p[r]));
                const float4 x = *reinterpret_cast<const float4*>(xs + (next[r] - c0) * SPMM_SAMPLES + lane * 4);
                acc[r].x = fmaf(v, x.x, acc[r].x);
                acc[r].y = fmaf(v, x.y, acc[r].y);
                acc[r].z = fmaf(v, x.z, acc[r].z);
                acc[r].w = fmaf(v, x.w, acc[r].w);
                ++p[r];
                next[r] = p[r] < end[r] ? __ldg(idx + p[r]) : SPARSE_NO_COL;
            }
        }
        if (more) {
            spmm_store(stage, smem + ((t + 1) & 1) * (SPMM_CHUNK * SPMM_SAMPLES), tid);
        }
        __syncthreads();
    }

    // Stage the 64 x 128 results as ys[row][sample], then write y's rows (32 consecutive features per warp access).
#pragma unroll
    for (int r = 0; r < SPMM_ROWS_PER_WARP; ++r) {
        *reinterpret_cast<float4*>(smem + (warp * SPMM_ROWS_PER_WARP + r) * SPMM_YLD + lane * 4) = acc[r];
    }
    __syncthreads();
    for (int i = tid; i < SPMM_ROWS * SPMM_SAMPLES; i += 256) {
        const int rr = i % SPMM_ROWS;
        const int s = i / SPMM_ROWS;
        const int row = row0 + rr;
        const int b = b0 + s;
        if (row < rows && b < batch) {
            const size_t at = (size_t)b * rows + row;
            float v = smem[rr * SPMM_YLD + s];
            if (bias != nullptr) {
                v += bias[row];
            }
            if (beta != 0.f) {
                v = fmaf(beta, y[at], v);
            }
            y[at] = v;
        }
    }
}

// Loads this thread's 4 float4 of a SDDMM_CHUNK x SDDMM_SAMPLES chunk of xt.
static __device__ __forceinline__ void sddmm_load(float4 (&r)[4], const float* __restrict__ xt, int ld, int c0,
                                                  int ncols, int b0, int tid) {
#pragma unroll
    for (int v = 0; v < 4; ++v) {
        const int i = tid + v * 256;
        const int c = c0 + i / (SDDMM_SAMPLES / 4);
        const int s = (i % (SDDMM_SAMPLES / 4)) * 4;
        r[v] = c < ncols ? __ldg(reinterpret_cast<const float4*>(xt + (size_t)c * ld + b0 + s))
                         : make_float4(0.f, 0.f, 0.f, 0.f);
    }
}

static __device__ __forceinline__ void sddmm_store(const float4 (&r)[4], float* xs, int tid) {
#pragma unroll
    for (int v = 0; v < 4; ++v) {
        const int i = tid + v * 256;
        *reinterpret_cast<float4*>(xs + (i / (SDDMM_SAMPLES / 4)) * SDDMM_SAMPLES + (i % (SDDMM_SAMPLES / 4)) * 4) =
            r[v];
    }
}

// The dot product of a subgroup lane's 32 samples (float4 groups s, s + 8, ..., s + 56 of the 256) with a staged
// activation row, summed over the subgroup's 8 lanes by a fixed butterfly: the same result in all 8 lanes.
// Lanes of a subgroup read 8 consecutive float4 per step (128 bytes), so the shared loads are conflict-free.
static __device__ __forceinline__ float sddmm_dot(const float4 (&d)[8], const float* xr, int s, bool mine) {
    float acc = 0.f;
    if (mine) {
#pragma unroll
        for (int j = 0; j < 8; ++j) {
            const float4 x = *reinterpret_cast<const float4*>(xr + 4 * (s + 8 * j));
            acc = fmaf(d[j].x, x.x, acc);
            acc = fmaf(d[j].y, x.y, acc);
            acc = fmaf(d[j].z, x.z, acc);
            acc = fmaf(d[j].w, x.w, acc);
        }
    }
    acc += __shfl_xor_sync(0xffffffffu, acc, 4);
    acc += __shfl_xor_sync(0xffffffffu, acc, 2);
    acc += __shfl_xor_sync(0xffffffffu, acc, 1);
    return acc;
}

// dw[p] = sum_b dyt[row][b] * xt[col[p]][b] + beta * dw[p] for every non-zero p of rows [0, rows) (dw not read when
// beta == 0). dyt [rows x ld] and xt [ncols x ld] are feature-major with ld a multiple of 256 and zero padding past
// the batch. Fixed launch: 256 threads, grid ceil(rows / 32). Each warp is 4 subgroups of 8 lanes, one output row
// each; a subgroup holds its row's 256 samples of dY in registers (32 per lane) and computes one non-zero's dot
// product per step, so a warp finishes up to 4 non-zeros per 3-shuffle reduction. Samples are taken 256 at a
// time; after the first pass each non-zero adds its next partial sum, always in the same order.
extern "C" __global__ void __launch_bounds__(256) sparse_sddmm_fm(const float* __restrict__ dyt,
                                                                  const float* __restrict__ xt, int ld,
                                                                  const int* __restrict__ ptr,
                                                                  const int* __restrict__ idx, int rows, int ncols,
                                                                  int batch, float beta, float* dw) {
    __shared__ __align__(16) float smem[2 * SDDMM_CHUNK * SDDMM_SAMPLES];
    const int tid = threadIdx.x;
    const int lane = tid & 31;
    const int s = lane & 7;
    const int row = blockIdx.x * SDDMM_ROWS + (tid >> 3);
    const bool live = row < rows;
    const int chunks = (ncols + SDDMM_CHUNK - 1) / SDDMM_CHUNK;

    for (int b0 = 0; b0 < batch; b0 += SDDMM_SAMPLES) {
        const bool first = b0 == 0;
        int p = live ? __ldg(ptr + row) : 0;
        const int end = live ? __ldg(ptr + row + 1) : 0;
        int next = p < end ? __ldg(idx + p) : SPARSE_NO_COL;
        float4 d[8];
        const float* src = dyt + (size_t)(live ? row : 0) * ld + b0;
#pragma unroll
        for (int j = 0; j < 8; ++j) {
            d[j] = live ? __ldg(reinterpret_cast<const float4*>(src + 4 * (s + 8 * j)))
                        : make_float4(0.f, 0.f, 0.f, 0.f);
        }
        float4 stage[4];
        sddmm_load(stage, xt, ld, 0, ncols, b0, tid);
        sddmm_store(stage, smem, tid);
        __syncthreads();
        for (int t = 0; t < chunks; ++t) {
            const float* xs = smem + (t & 1) * (SDDMM_CHUNK * SDDMM_SAMPLES);
            const int c0 = t * SDDMM_CHUNK;
            const bool more = t + 1 < chunks;
            if (more) {
                sddmm_load(stage, xt, ld, c0 + SDDMM_CHUNK, ncols, b0, tid);
            }
            // Until no subgroup of the warp has a non-zero left in this chunk (a warp-uniform loop).
            while (__any_sync(0xffffffffu, next < c0 + SDDMM_CHUNK)) {
                const bool mine = next < c0 + SDDMM_CHUNK;
                const float v = sddmm_dot(d, xs + (mine ? next - c0 : 0) * SDDMM_SAMPLES, s, mine);
                if (mine) {
                    if (s == 0) {
                        const float old = first ? (beta != 0.f ? beta * dw[p] : 0.f) : dw[p];
                        dw[p] = old + v;
                    }
                    ++p;
                    next = p < end ? __ldg(idx + p) : SPARSE_NO_COL;
                }
            }
            if (more) {
                sddmm_store(stage, smem + ((t + 1) & 1) * (SDDMM_CHUNK * SDDMM_SAMPLES), tid);
            }
            __syncthreads();
        }
    }
}

// a[i] = beta * a[i] for i < n (0 when beta == 0, without reading a): dW of an empty batch.
extern "C" __global__ void sparse_scale(float* a, int n, float beta) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        a[i] = beta != 0.f ? beta * a[i] : 0.f;
    }
}

#ifdef EMU_EXPORT_KERNEL
EMU_EXPORT_KERNEL(sparse_transpose_pad, (const float* __restrict__ src, float* __restrict__ dst, int rows, int cols,
                                         int ldd),
                  (src, dst, rows, cols, ldd))
EMU_EXPORT_KERNEL(sparse_spmm_fm,
                  (const float* __restrict__ xt, int ld, const int* __restrict__ ptr, const int* __restrict__ idx,
                   const int* __restrict__ perm, const float* __restrict__ vals, int rows, int ncols, int batch,
                   const float* __restrict__ bias, float beta, float* y),
                  (xt, ld, ptr, idx, perm, vals, rows, ncols, batch, bias, beta, y))
EMU_EXPORT_KERNEL(sparse_sddmm_fm,
                  (const float* __restrict__ dyt, const float* __restrict__ xt, int ld, const int* __restrict__ ptr,
                   const int* __restrict__ idx, int rows, int ncols, int batch, float beta, float* dw),
                  (dyt, xt, ld, ptr, idx, rows, ncols, batch, beta, dw))
EMU_EXPORT_KERNEL(sparse_scale, (float* a, int n, float beta), (a, n, beta))
#endif
