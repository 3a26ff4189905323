// Elementwise arithmetic and data movement (ElementOps): fill and copy of any dtype, axpby, affine, binary ops with
// every broadcast, unary ops, clamp, column concat/slice, and row gather/scatter of any element size. Semantics are
// RefElements': min/max follow Java (NaN wins, -0 < +0), SIGN keeps +-0 and NaN, SYMLOG = sign(x)*log1p(|x|).
//
// Every kernel is a grid-stride loop: the float kernels take 4 consecutive elements per thread (one float4 load and
// store when every pointer is 16-byte aligned, scalar otherwise); the byte kernels move 16-byte lines. Gather and
// scatter move rows in the widest unit (16, 8, 4 or 1 bytes) that divides the row and both pointers' alignment.
// Out-of-range row indices cannot be reported from the device: gather leaves that output row unchanged and scatter
// skips that source row (the host backends throw). Scatter with duplicate indices writes the last source row naming
// a destination, like the CPU backend: ew_scatter_claim first takes the largest source row per destination with an
// integer atomicMax (order-independent), then ew_scatter_rows copies only the winners.
//
// Napkin math at 256 x 4096 floats (1M elements), H100 SXM (~3 TB/s reachable): binary/axpby read 8 B and write
// 4 B per element (12.6 MB, ~4 us); unary/affine/clamp 8 B (~3 us, EXP/LOG ~20 FLOP each, still memory-bound);
// fill 4 B (~1.5 us); gather of 256 rows of 16 KB: 8 MB moved, ~3 us. Launch overhead (~2-3 us) dominates below
// ~256K elements.
#include "common.cuh"

/** Fills bytes [0, bytes) of p with the little-endian pattern of an elemBytes-wide element (p is element-aligned). */
extern "C" __global__ void __launch_bounds__(1024)
ew_fill(unsigned char* p, long long bytes, unsigned long long pattern, int elemBytes) {
    const unsigned w = elemBytes == 1 ? ((unsigned)pattern & 0xFFu) * 0x01010101u : (unsigned)pattern;
    const unsigned hi = elemBytes == 8 ? (unsigned)(pattern >> 32) : w;
    const uint4 line = make_uint4(w, hi, w, hi);
    // Lines are the 16-byte-aligned blocks that overlap [p, p + bytes); each line starts at an element boundary.
    const unsigned long long base = (unsigned long long)p & ~15ull;
    const long long head = (long long)((unsigned long long)p - base);
    const long long lines = (head + bytes + 15) / 16;
    for (long long l = cm_tid(); l < lines; l += cm_threads()) {
        const long long first = l * 16 - head;
        if (first >= 0 && first + 16 <= bytes) {
            *reinterpret_cast<uint4*>(p + first) = line;
        } else {
            for (int k = 0; k < 16; ++k) {
                const long long b = first + k;
                if (b >= 0 && b < bytes) p[b] = (unsigned char)(pattern >> (8 * (k % elemBytes)));
            }
        }
    }
}

/** Copies bytes [0, bytes) of src to dst in 16-byte lines when both are 16-byte aligned, else byte by byte. */
extern "C" __global__ void __launch_bounds__(1024)
ew_copy(const unsigned char* src, unsigned char* dst, long long bytes) {
    if (cm_aligned16(src, dst)) {
        const long long lines = bytes / 16;
        for (long long l = cm_tid(); l < lines; l += cm_threads()) {
            reinterpret_cast<uint4*>(dst)[l] = reinterpret_cast<const uint4*>(src)[l];
        }
        for (long long b = lines * 16 + cm_tid(); b < bytes; b += cm_threads()) dst[b] = src[b];
    } else {
        for (long long b = cm_tid(); b < bytes; b += cm_threads()) dst[b] = src[b];
    }
}

/** out = alpha*x + beta*y (out may be x or y). */
extern "C" __global__ void __launch_bounds__(1024)
ew_axpby(float alpha, const float* x, float beta, const float* y, float* out, long long n) {
    const bool vec = cm_aligned16(x, y, out);
    for (long long g = cm_tid(); g < (n + 3) / 4; g += cm_threads()) {
        const long long e = 4 * g;
        const int len = n - e < 4 ? (int)(n - e) : 4;
        float a[4], b[4];
        cm_ld4(x, e, len, vec, a);
        cm_ld4(y, e, len, vec, b);
        for (int j = 0; j < len; ++j) a[j] = fmaf(alpha, a[j], beta * b[j]);
        cm_st4(out, e, len, vec, a);
    }
}

/** out = scale*x + shift, rounded once (fmaf). */
extern "C" __global__ void __launch_bounds__(1024)
ew_affine(const float* x, float scale, float shift, float* out, long long n) {
    const bool vec = cm_aligned16(x, out);
    for (long long g = cm_tid(); g < (n + 3) / 4; g += cm_threads()) {
        const long long e = 4 * g;
        const int len = n - e < 4 ? (int)(n - e) : 4;
        float a[4];
        cm_ld4(x, e, len, vec, a);
        for (int j = 0; j < len; ++j) a[j] = fmaf(scale, a[j], shift);
        cm_st4(out, e, len, vec, a);
    }
}

/** ElementOps.Binary in declaration order: ADD, SUB, MUL, DIV, MIN, MAX. */
template <int OP>
static __device__ __forceinline__ float ew_binary_op(float a, float b) {
    switch (OP) {
        case 0: return a + b;
        case 1: return a - b;
        case 2: return a * b;
        case 3: return a / b;
        case 4: return cm_jminf(a, b);
        default: return cm_jmaxf(a, b);
    }
}

/** Broadcast modes of b: 0 same shape as a, 1 row vector [1 x cols], 2 column vector [rows x 1], 3 scalar. */
template <int OP>
static __device__ __forceinline__ void ew_binary_body(int mode, const float* a, const float* b, float* out,
                                                      long long n, int cols) {
    const bool vec = cm_aligned16(a, b, out);
    for (long long g = cm_tid(); g < (n + 3) / 4; g += cm_threads()) {
        const long long e = 4 * g;
        const int len = n - e < 4 ? (int)(n - e) : 4;
        float x[4], y[4];
        cm_ld4(a, e, len, vec, x);
        if (mode == 0) {
            cm_ld4(b, e, len, vec, y);
        } else {
            // One division per group; the column then steps and wraps into the next row.
            long long r, c;
            cm_divmod(e, cols, r, c);
            for (int j = 0; j < len; ++j) {
                y[j] = mode == 3 ? b[0] : mode == 1 ? b[c] : b[r];
                if (++c == cols) c = 0, ++r;
            }
        }
        for (int j = 0; j < len; ++j) x[j] = ew_binary_op<OP>(x[j], y[j]);
        cm_st4(out, e, len, vec, x);
    }
}

/** out = op(a, b) with b broadcast by mode (out may be a, or b when b has a's shape). */
extern "C" __global__ void __launch_bounds__(1024)
ew_binary(int op, int mode, const float* a, const float* b, float* out, long long n, int cols) {
    switch (op) {
        case 0: ew_binary_body<0>(mode, a, b, out, n, cols); break;
        case 1: ew_binary_body<1>(mode, a, b, out, n, cols); break;
        case 2: ew_binary_body<2>(mode, a, b, out, n, cols); break;
        case 3: ew_binary_body<3>(mode, a, b, out, n, cols); break;
        case 4: ew_binary_body<4>(mode, a, b, out, n, cols); break;
        default: ew_binary_body<5>(mode, a, b, out, n, cols); break;
    }
}

/** Math.signum: +-1, or x itself for +-0 and NaN. */
static __device__ __forceinline__ float ew_sign(float x) {
    return x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : x;
}

/** ElementOps.Unary in declaration order: NEG, ABS, SQUARE, SQRT, EXP, LOG, SIGN, SYMLOG, SYMEXP. */
template <int OP>
static __device__ __forceinline__ float ew_unary_op(float x) {
    switch (OP) {
        case 0: return -x;
        case 1: return fabsf(x);
        case 2: return x * x;
        case 3: return sqrtf(x);
        case 4: return expf(x);
        case 5: return logf(x);
        case 6: return ew_sign(x);
        case 7: return ew_sign(x) * log1pf(fabsf(x));
        default: return ew_sign(x) * expm1f(fabsf(x));
    }
}

template <int OP>
static __device__ __forceinline__ void ew_unary_body(const float* x, float* out, long long n) {
    const bool vec = cm_aligned16(x, out);
    for (long long g = cm_tid(); g < (n + 3) / 4; g += cm_threads()) {
        const long long e = 4 * g;
        const int len = n - e < 4 ? (int)(n - e) : 4;
        float a[4];
        cm_ld4(x, e, len, vec, a);
        for (int j = 0; j < len; ++j) a[j] = ew_unary_op<OP>(a[j]);
        cm_st4(out, e, len, vec, a);
    }
}

extern "C" __global__ void __launch_bounds__(1024)
ew_unary(int op, const float* x, float* out, long long n) {
    switch (op) {
        case 0: ew_unary_body<0>(x, out, n); break;
        case 1: ew_unary_body<1>(x, out, n); break;
        case 2: ew_unary_body<2>(x, out, n); break;
        case 3: ew_unary_body<3>(x, out, n); break;
        case 4: ew_unary_body<4>(x, out, n); break;
        case 5: ew_unary_body<5>(x, out, n); break;
        case 6: ew_unary_body<6>(x, out, n); break;
        case 7: ew_unary_body<7>(x, out, n); break;
        default: ew_unary_body<8>(x, out, n); break;
    }
}

/** out = min(max(x, lo), hi) with Java's NaN rule. */
extern "C" __global__ void __launch_bounds__(1024)
ew_clamp(const float* x, float lo, float hi, float* out, long long n) {
    const bool vec = cm_aligned16(x, out);
    for (long long g = cm_tid(); g < (n + 3) / 4; g += cm_threads()) {
        const long long e = 4 * g;
        const int len = n - e < 4 ? (int)(n - e) : 4;
        float a[4];
        cm_ld4(x, e, len, vec, a);
        for (int j = 0; j < len; ++j) a[j] = cm_jminf(cm_jmaxf(a[j], lo), hi);
        cm_st4(out, e, len, vec, a);
    }
}

/** dst[r, dstCol0 + c] = src[r, srcCol0 + c] for c < cols: one launch per concat part, or one for a slice. */
extern "C" __global__ void __launch_bounds__(1024)
ew_copy_cols(const float* src, int srcCols, int srcCol0, float* dst, int dstCols, int dstCol0, int rows, int cols) {
    const long long n = (long long)rows * cols;
    for (long long i = cm_tid(); i < n; i += cm_threads()) {
        long long r, c;
        cm_divmod(i, cols, r, c);
        dst[r * dstCols + dstCol0 + c] = src[r * srcCols + srcCol0 + c];
    }
}

/** The widest unit of 16, 8, 4 or 1 bytes dividing rowBytes and both pointers. */
static __device__ __forceinline__ int ew_unit(const void* a, const void* b, long long rowBytes) {
    const unsigned long long m = (unsigned long long)a | (unsigned long long)b | (unsigned long long)rowBytes;
    return m % 16 == 0 ? 16 : m % 8 == 0 ? 8 : m % 4 == 0 ? 4 : 1;
}

/** out row i = src row idx[i]; an index outside [0, srcRows) leaves out row i unchanged. */
template <class U>
static __device__ __forceinline__ void ew_gather_body(const U* src, const int* idx, U* out, int n, int srcRows,
                                                      long long units) {
    const long long total = (long long)n * units;
    for (long long t = cm_tid(); t < total; t += cm_threads()) {
        long long i, k;
        cm_divmod(t, units, i, k);
        const int r = idx[i];
        if (r >= 0 && r < srcRows) out[t] = src[(long long)r * units + k];
    }
}

extern "C" __global__ void __launch_bounds__(1024)
ew_gather_rows(const unsigned char* src, const int* idx, unsigned char* out, int n, int srcRows, long long rowBytes) {
    switch (ew_unit(src, out, rowBytes)) {
        case 16:
            ew_gather_body((const uint4*)src, idx, (uint4*)out, n, srcRows, rowBytes / 16);
            break;
        case 8:
            ew_gather_body((const uint2*)src, idx, (uint2*)out, n, srcRows, rowBytes / 8);
            break;
        case 4:
            ew_gather_body((const unsigned*)src, idx, (unsigned*)out, n, srcRows, rowBytes / 4);
            break;
        default:
            ew_gather_body(src, idx, out, n, srcRows, rowBytes);
            break;
    }
}

/** winner[idx[i]] = the largest i naming that row (winner starts at -1); out-of-range indices claim nothing. */
extern "C" __global__ void __launch_bounds__(1024)
ew_scatter_claim(const int* idx, int n, int outRows, int* winner) {
    for (long long i = cm_tid(); i < n; i += cm_threads()) {
        const int r = idx[i];
        if (r >= 0 && r < outRows) atomicMax(winner + r, (int)i);
    }
}

template <class U>
static __device__ __forceinline__ void ew_scatter_body(const U* src, const int* idx, const int* winner, U* out,
                                                       int n, int outRows, long long units) {
    const long long total = (long long)n * units;
    for (long long t = cm_tid(); t < total; t += cm_threads()) {
        long long i, k;
        cm_divmod(t, units, i, k);
        const int r = idx[i];
        if (r >= 0 && r < outRows && winner[r] == (int)i) out[(long long)r * units + k] = src[t];
    }
}

/** out row idx[i] = src row i for the winning i of each destination (see ew_scatter_claim). */
extern "C" __global__ void __launch_bounds__(1024)
ew_scatter_rows(const unsigned char* src, const int* idx, const int* winner, unsigned char* out, int n, int outRows,
                long long rowBytes) {
    switch (ew_unit(src, out, rowBytes)) {
        case 16:
            ew_scatter_body((const uint4*)src, idx, winner, (uint4*)out, n, outRows, rowBytes / 16);
            break;
        case 8:
            ew_scatter_body((const uint2*)src, idx, winner, (uint2*)out, n, outRows, rowBytes / 8);
            break;
        case 4:
            ew_scatter_body((const unsigned*)src, idx, winner, (unsigned*)out, n, outRows, rowBytes / 4);
            break;
        default:
            ew_scatter_body(src, idx, winner, out, n, outRows, rowBytes);
            break;
    }
}

#ifdef EMU_EXPORT_KERNEL
EMU_EXPORT_KERNEL(ew_fill, (unsigned char* p, long long bytes, unsigned long long pattern, int elemBytes),
                  (p, bytes, pattern, elemBytes))
EMU_EXPORT_KERNEL(ew_copy, (const unsigned char* src, unsigned char* dst, long long bytes), (src, dst, bytes))
EMU_EXPORT_KERNEL(ew_axpby, (float alpha, const float* x, float beta, const float* y, float* out, long long n),
                  (alpha, x, beta, y, out, n))
EMU_EXPORT_KERNEL(ew_affine, (const float* x, float scale, float shift, float* out, long long n),
                  (x, scale, shift, out, n))
EMU_EXPORT_KERNEL(ew_binary, (int op, int mode, const float* a, const float* b, float* out, long long n, int cols),
                  (op, mode, a, b, out, n, cols))
EMU_EXPORT_KERNEL(ew_unary, (int op, const float* x, float* out, long long n), (op, x, out, n))
EMU_EXPORT_KERNEL(ew_clamp, (const float* x, float lo, float hi, float* out, long long n), (x, lo, hi, out, n))
EMU_EXPORT_KERNEL(ew_copy_cols,
                  (const float* src, int srcCols, int srcCol0, float* dst, int dstCols, int dstCol0, int rows,
                   int cols),
                  (src, srcCols, srcCol0, dst, dstCols, dstCol0, rows, cols))
EMU_EXPORT_KERNEL(ew_gather_rows,
                  (const unsigned char* src, const int* idx, unsigned char* out, int n, int srcRows,
                   long long rowBytes),
                  (src, idx, out, n, srcRows, rowBytes))
EMU_EXPORT_KERNEL(ew_scatter_claim, (const int* idx, int n, int outRows, int* winner), (idx, n, outRows, winner))
EMU_EXPORT_KERNEL(ew_scatter_rows,
                  (const unsigned char* src, const int* idx, const int* winner, unsigned char* out, int n,
                   int outRows, long long rowBytes),
                  (src, idx, winner, out, n, outRows, rowBytes))
#endif
