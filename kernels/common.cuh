// Device helpers shared by the elementwise, NN, loss and reduction kernels: Java's min/max semantics, 4-wide loads
// and stores with a scalar tail, and fixed-order reductions over a warp, a block, or a "row group".
//
// Row groups. Row-wise kernels launch blocks of blockDim = (tpr, rows per block): tpr = 32 gives one warp per row
// (blockDim.y rows per block), tpr = blockDim.x > 32 with blockDim.y = 1 gives one block per row. A row group's
// reduction uses warp shuffles only in the first case and shared memory plus barriers in the second; the host picks
// the shape (long rows with few of them get a block each).
//
// Every reduction here is a fixed tree (xor butterfly, then the warps' results in index order), so a result depends
// only on the launch shape, never on timing. IEEE addition and the Java max/min below are commutative, so every lane
// of a butterfly ends with the same bits.
#pragma once

/** Java's Math.max on floats: NaN wins, and +0 is larger than -0. */
static __device__ __forceinline__ float cm_jmaxf(float a, float b) {
    if (a != a || b != b) return a + b;
    if (a > b) return a;
    if (b > a) return b;
    return __float_as_int(a) < 0 ? b : a;
}

/** Java's Math.min on floats: NaN wins, and -0 is smaller than +0. */
static __device__ __forceinline__ float cm_jminf(float a, float b) {
    if (a != a || b != b) return a + b;
    if (a < b) return a;
    if (b < a) return b;
    return __float_as_int(b) < 0 ? b : a;
}

static __device__ __forceinline__ double cm_jmax(double a, double b) {
    if (a != a || b != b) return a + b;
    if (a > b) return a;
    if (b > a) return b;
    return __double_as_longlong(a) < 0 ? b : a;
}

static __device__ __forceinline__ double cm_jmin(double a, double b) {
    if (a != a || b != b) return a + b;
    if (a < b) return a;
    if (b < a) return b;
    return __double_as_longlong(b) < 0 ? b : a;
}

struct cm_add {
    template <class T>
    __device__ __forceinline__ T operator()(T a, T b) const { return a + b; }
};

struct cm_max {
    __device__ __forceinline__ double operator()(double a, double b) const { return cm_jmax(a, b); }
    __device__ __forceinline__ float operator()(float a, float b) const { return cm_jmaxf(a, b); }
};

struct cm_min {
    __device__ __forceinline__ double operator()(double a, double b) const { return cm_jmin(a, b); }
};

/** The first grid-stride index and the stride of a one-dimensional launch. */
static __device__ __forceinline__ long long cm_tid() {
    return (long long)blockIdx.x * blockDim.x + threadIdx.x;
}

static __device__ __forceinline__ long long cm_threads() {
    return (long long)gridDim.x * blockDim.x;
}

/** q = i / d and r = i % d for i >= 0, d > 0: a 32-bit division when both fit (64-bit division costs the GPU
 *  several times more instructions, enough to matter in memory-bound loops). */
static __device__ __forceinline__ void cm_divmod(long long i, long long d, long long& q, long long& r) {
    if (((unsigned long long)i | (unsigned long long)d) <= 0xFFFFFFFFull) {
        const unsigned qq = (unsigned)i / (unsigned)d;
        q = qq;
        r = i - (long long)qq * d;
    } else {
        q = i / d;
        r = i - q * d;
    }
}

/** Elements e .. e+len (len <= 4) of p into v: one float4 load when vec (all pointers 16-byte aligned) and len = 4. */
static __device__ __forceinline__ void cm_ld4(const float* p, long long e, int len, bool vec, float v[4]) {
    if (vec && len == 4) {
        const float4 q = *reinterpret_cast<const float4*>(p + e);
        v[0] = q.x, v[1] = q.y, v[2] = q.z, v[3] = q.w;
    } else {
        for (int j = 0; j < len; ++j) v[j] = p[e + j];
    }
}

static __device__ __forceinline__ void cm_st4(float* p, long long e, int len, bool vec, const float v[4]) {
    if (vec && len == 4) {
        *reinterpret_cast<float4*>(p + e) = make_float4(v[0], v[1], v[2], v[3]);
    } else {
        for (int j = 0; j < len; ++j) p[e + j] = v[j];
    }
}

/** True when every address is a multiple of 16 bytes (null pointers count as aligned). */
static __device__ __forceinline__ bool cm_aligned16(const void* a, const void* b = nullptr, const void* c = nullptr,
                                                    const void* d = nullptr) {
    return (((unsigned long long)a | (unsigned long long)b | (unsigned long long)c | (unsigned long long)d) & 15) == 0;
}

/** A softmax accumulator: the running maximum m and the sum s of exp(z - m). */
struct cm_ms {
    double m, s;
};

/** The winner so far of an argmax: value and column. */
struct cm_arg {
    float v;
    int i;
};

static __device__ __forceinline__ float cm_shfl_xor(float v, int o) { return __shfl_xor_sync(0xFFFFFFFFu, v, o); }
static __device__ __forceinline__ double cm_shfl_xor(double v, int o) { return __shfl_xor_sync(0xFFFFFFFFu, v, o); }
static __device__ __forceinline__ cm_ms cm_shfl_xor(cm_ms v, int o) {
    return cm_ms{__shfl_xor_sync(0xFFFFFFFFu, v.m, o), __shfl_xor_sync(0xFFFFFFFFu, v.s, o)};
}
static __device__ __forceinline__ cm_arg cm_shfl_xor(cm_arg v, int o) {
    return cm_arg{__shfl_xor_sync(0xFFFFFFFFu, v.v, o), __shfl_xor_sync(0xFFFFFFFFu, v.i, o)};
}

/** Adds z to a softmax accumulator; -inf adds nothing, so a row of -inf keeps s = 0 (and ends NaN, as 0/0). */
static __device__ __forceinline__ void cm_ms_add(cm_ms& a, double z) {
    if (z > a.m) {
        a.s = a.s * exp(a.m - z) + 1.0;
        a.m = z;
    } else if (!(z == -INFINITY)) {
        a.s += exp(z - a.m);
    }
}

struct cm_ms_merge {
    __device__ __forceinline__ cm_ms operator()(cm_ms a, cm_ms b) const {
        if (b.m > a.m) return cm_ms{b.m, a.s * exp(a.m - b.m) + b.s};
        if (a.m > b.m) return cm_ms{a.m, a.s + b.s * exp(b.m - a.m)};
        return cm_ms{a.m, a.s + b.s};
    }
};

/** Argmax order: a NaN beats any number, a larger value beats a smaller, and equal values go to the lower column. */
struct cm_arg_merge {
    __device__ __forceinline__ cm_arg operator()(cm_arg a, cm_arg b) const {
        const bool an = a.v != a.v, bn = b.v != b.v;
        if (an != bn) return an ? a : b;
        if (!an && a.v != b.v) return a.v > b.v ? a : b;
        return a.i < b.i ? a : b;
    }
};

/** Butterfly reduction over the 32 lanes of a warp; every lane gets the result. */
template <class T, class Op>
static __device__ __forceinline__ T cm_warp_reduce(T v, Op op) {
    for (int o = 16; o > 0; o >>= 1) v = op(v, cm_shfl_xor(v, o));
    return v;
}

/**
 * Reduction over all threads of a one-dimensional block (blockDim.x a multiple of 32); every thread gets the result.
 * The leading barrier keeps a previous call's readers of the shared array safe, so calls may follow each other.
 */
template <class T, class Op>
static __device__ __forceinline__ T cm_block_reduce(T v, Op op, T identity) {
    __shared__ T part[32];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = cm_warp_reduce(v, op);
    __syncthreads();
    if (lane == 0) part[warp] = v;
    __syncthreads();
    return cm_warp_reduce(lane < warps ? part[lane] : identity, op);
}

/** Reduction over one row group (see the header comment); every thread of the group gets the result. */
template <class T, class Op>
static __device__ __forceinline__ T cm_group_reduce(T v, Op op, T identity) {
    return blockDim.x == 32 ? cm_warp_reduce(v, op) : cm_block_reduce(v, op, identity);
}

/** The row a group starts at and the stride between a group's rows (grid-stride over rows). */
static __device__ __forceinline__ long long cm_first_row() {
    return (long long)blockIdx.x * blockDim.y + threadIdx.y;
}

static __device__ __forceinline__ long long cm_row_stride() {
    return (long long)gridDim.x * blockDim.y;
}

/**
 * Reduces one double per thread over the rows of a column tile: the block is (32 columns) x (blockDim.x / 32 row
 * lanes), thread t holds column t & 31 and row lane t >> 5. Returns the column's result in the threads of row lane 0
 * (the others get their own v), combined in row-lane order.
 */
static __device__ __forceinline__ double (*cm_tile())[33] {
    // One array for every kind of reduction a kernel instantiates, rather than one per template instance.
    __shared__ double tile[32][33];
    return tile;
}

template <class Op>
static __device__ __forceinline__ double cm_tile_column_reduce(double v, Op op) {
    double (*tile)[33] = cm_tile();
    const int tx = threadIdx.x & 31, ty = threadIdx.x >> 5, lanes = blockDim.x >> 5;
    __syncthreads();
    tile[ty][tx] = v;
    __syncthreads();
    if (ty == 0) {
        for (int k = 1; k < lanes; ++k) v = op(v, tile[k][tx]);
    }
    return v;
}
