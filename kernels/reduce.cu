// Reductions (ReduceOps): over all elements, per column (with out = r + beta*out for SUM/MEAN), per row, and the
// argmax of each row. Semantics are RefReduce's: MAX/MIN follow Java (NaN wins); MAX/MIN of nothing are -inf/+inf,
// the others 0 (MEAN of nothing is 0); argmax ties go to the lowest column and the first NaN wins.
//
// Every reduction accumulates in double (a float's square and every partial sum are exact or nearly so), in a fixed
// order, so results are run-to-run identical and far inside the float tolerance even for 2^22-element sums:
//   all   grid-stride per thread (float4 loads when aligned), a block tree into one partial per block, then
//         red_all_final adds the partials in order (skipped for a one-block grid).
//   cols  blocks of 32 columns x (blockDim.x / 32) row lanes over a chunk of rows; the row lanes of a tile combine in
//         order, then red_cols_final combines the chunks in order (skipped for one chunk). beta = 0 never reads out.
//   rows  one row per row group (common.cuh), a butterfly (and, for block-wide groups, a tree over the warps).
// The kind is a template parameter inside each kernel, so the inner loops carry no switch.
//
// Napkin math at 256 x 4096 floats, H100 SXM (~3 TB/s): every kind reads 4 B per element once (4.2 MB, ~1.5-2 us,
// launch-bound), ~2 FP64 ops per element (~2 MFLOP FP64, negligible); partials are a few KB.
#include "common.cuh"

/** ReduceOps.Kind in declaration order: SUM, MEAN, MAX, MIN, SUM_SQUARES, MAX_ABS. */
template <int K>
struct red_kind {
    static __device__ __forceinline__ double identity() {
        return K == 2 ? -INFINITY : K == 3 ? INFINITY : 0.0;
    }
    static __device__ __forceinline__ double map(float v) {
        return K == 4 ? (double)v * v : K == 5 ? (double)fabsf(v) : (double)v;
    }
    __device__ __forceinline__ double operator()(double a, double b) const {
        return K == 2 || K == 5 ? cm_jmax(a, b) : K == 3 ? cm_jmin(a, b) : a + b;
    }
    /** The mean divides by the count; the mean of nothing is 0, like the sum. */
    static __device__ __forceinline__ double finish(double acc, long long count) {
        return K == 1 && count > 0 ? acc / count : acc;
    }
};

/** Runs the statement(s) with K bound to the kind as a compile-time constant. */
#define RED_DISPATCH(kind, ...)                                \
    switch (kind) {                                            \
        case 0: { constexpr int K = 0; __VA_ARGS__; } break;  \
        case 1: { constexpr int K = 1; __VA_ARGS__; } break;  \
        case 2: { constexpr int K = 2; __VA_ARGS__; } break;  \
        case 3: { constexpr int K = 3; __VA_ARGS__; } break;  \
        case 4: { constexpr int K = 4; __VA_ARGS__; } break;  \
        default: { constexpr int K = 5; __VA_ARGS__; } break; \
    }

template <int K>
static __device__ __forceinline__ void red_all_body(const float* x, long long n, double* partials, float* out) {
    const red_kind<K> op;
    const bool vec = cm_aligned16(x);
    double acc = red_kind<K>::identity();
    for (long long g = cm_tid(); g < (n + 3) / 4; g += cm_threads()) {
        const long long e = 4 * g;
        const int len = n - e < 4 ? (int)(n - e) : 4;
        float v[4];
        cm_ld4(x, e, len, vec, v);
        for (int j = 0; j < len; ++j) acc = op(acc, red_kind<K>::map(v[j]));
    }
    acc = cm_block_reduce(acc, op, red_kind<K>::identity());
    if (threadIdx.x == 0) {
        if (gridDim.x == 1) {
            *out = (float)red_kind<K>::finish(acc, n);
        } else {
            partials[blockIdx.x] = acc;
        }
    }
}

/** One partial per block into partials, or the result into out when the grid has one block. */
extern "C" __global__ void __launch_bounds__(1024)
red_all(int kind, const float* x, long long n, double* partials, float* out) {
    RED_DISPATCH(kind, red_all_body<K>(x, n, partials, out))
}

template <int K>
static __device__ __forceinline__ void red_all_final_body(const double* partials, int count, long long n, float* out) {
    const red_kind<K> op;
    double acc = red_kind<K>::identity();
    for (int k = threadIdx.x; k < count; k += blockDim.x) acc = op(acc, partials[k]);
    acc = cm_block_reduce(acc, op, red_kind<K>::identity());
    if (threadIdx.x == 0) *out = (float)red_kind<K>::finish(acc, n);
}

/** Combines count partials in a fixed order (one block); n is the element count, for MEAN. */
extern "C" __global__ void __launch_bounds__(1024)
red_all_final(int kind, const double* partials, int count, long long n, float* out) {
    RED_DISPATCH(kind, red_all_final_body<K>(partials, count, n, out))
}

/** out = v, or v + beta * out (beta != 0 only for SUM and MEAN), in double and rounded once. */
static __device__ __forceinline__ float red_with_beta(double v, float beta, const float* out) {
    return (float)(beta == 0.0f ? v : v + (double)beta * *out);
}

template <int K>
static __device__ __forceinline__ void red_cols_body(const float* x, int rows, int cols, int chunkRows, float beta,
                                                     double* partials, float* out) {
    const red_kind<K> op;
    const int tx = threadIdx.x & 31, ty = threadIdx.x >> 5, lanes = blockDim.x >> 5;
    const int c = blockIdx.x * 32 + tx;
    const long long r0 = (long long)blockIdx.y * chunkRows;
    const long long r1 = r0 + chunkRows < rows ? r0 + chunkRows : rows;
    double acc = red_kind<K>::identity();
    if (c < cols) {
        for (long long r = r0 + ty; r < r1; r += lanes) acc = op(acc, red_kind<K>::map(x[r * cols + c]));
    }
    acc = cm_tile_column_reduce(acc, op);
    if (ty != 0 || c >= cols) return;
    if (gridDim.y == 1) {
        out[c] = red_with_beta(red_kind<K>::finish(acc, rows), beta, out + c);
    } else {
        partials[(long long)blockIdx.y * cols + c] = acc;
    }
}

/**
 * Column reduction of a chunk of chunkRows rows (blockIdx.y) for a tile of 32 columns (blockIdx.x): into
 * partials [chunk][cols], or, with one chunk, into out with beta applied.
 */
extern "C" __global__ void __launch_bounds__(1024)
red_cols(int kind, const float* x, int rows, int cols, int chunkRows, float beta, double* partials, float* out) {
    RED_DISPATCH(kind, red_cols_body<K>(x, rows, cols, chunkRows, beta, partials, out))
}

template <int K>
static __device__ __forceinline__ void red_cols_final_body(const double* partials, int chunks, int rows, int cols,
                                                           float beta, float* out) {
    const red_kind<K> op;
    for (long long c = cm_tid(); c < cols; c += cm_threads()) {
        double acc = red_kind<K>::identity();
        for (int k = 0; k < chunks; ++k) acc = op(acc, partials[(long long)k * cols + c]);
        out[c] = red_with_beta(red_kind<K>::finish(acc, rows), beta, out + c);
    }
}

/** Combines each column's chunk partials in chunk order, then applies beta. */
extern "C" __global__ void __launch_bounds__(1024)
red_cols_final(int kind, const double* partials, int chunks, int rows, int cols, float beta, float* out) {
    RED_DISPATCH(kind, red_cols_final_body<K>(partials, chunks, rows, cols, beta, out))
}

template <int K>
static __device__ __forceinline__ void red_rows_body(const float* x, int rows, int cols, float* out) {
    const red_kind<K> op;
    const int lane = threadIdx.x, tpr = blockDim.x;
    for (long long r = cm_first_row(); r < rows; r += cm_row_stride()) {
        double acc = red_kind<K>::identity();
        for (int j = lane; j < cols; j += tpr) acc = op(acc, red_kind<K>::map(x[r * cols + j]));
        acc = cm_group_reduce(acc, op, red_kind<K>::identity());
        if (lane == 0) out[r] = (float)red_kind<K>::finish(acc, cols);
    }
}

/** out[r] = the reduction of row r. Row groups. */
extern "C" __global__ void __launch_bounds__(1024)
red_rows(int kind, const float* x, int rows, int cols, float* out) {
    RED_DISPATCH(kind, red_rows_body<K>(x, rows, cols, out))
}

/** out[r] = the column of row r's maximum: the first NaN if any, else the lowest column of the largest value. */
extern "C" __global__ void __launch_bounds__(1024)
red_argmax_rows(const float* x, int rows, int cols, int* out) {
    const cm_arg_merge op;
    const int lane = threadIdx.x, tpr = blockDim.x;
    for (long long r = cm_first_row(); r < rows; r += cm_row_stride()) {
        cm_arg best{-INFINITY, 0x7FFFFFFF};
        for (int j = lane; j < cols; j += tpr) best = op(best, cm_arg{x[r * cols + j], j});
        best = cm_group_reduce(best, op, cm_arg{-INFINITY, 0x7FFFFFFF});
        if (lane == 0) out[r] = best.i;
    }
}

#ifdef EMU_EXPORT_KERNEL
EMU_EXPORT_KERNEL(red_all, (int kind, const float* x, long long n, double* partials, float* out),
                  (kind, x, n, partials, out))
EMU_EXPORT_KERNEL(red_all_final, (int kind, const double* partials, int count, long long n, float* out),
                  (kind, partials, count, n, out))
EMU_EXPORT_KERNEL(red_cols,
                  (int kind, const float* x, int rows, int cols, int chunkRows, float beta, double* partials,
                   float* out),
                  (kind, x, rows, cols, chunkRows, beta, partials, out))
EMU_EXPORT_KERNEL(red_cols_final,
                  (int kind, const double* partials, int chunks, int rows, int cols, float beta, float* out),
                  (kind, partials, chunks, rows, cols, beta, out))
EMU_EXPORT_KERNEL(red_rows, (int kind, const float* x, int rows, int cols, float* out), (kind, x, rows, cols, out))
EMU_EXPORT_KERNEL(red_argmax_rows, (const float* x, int rows, int cols, int* out), (x, rows, cols, out))
#endif
