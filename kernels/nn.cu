// Neural-network ops other than matrix products (NnOps): activations and their gradients, row-wise LayerNorm
// forward and backward (with or without gamma/beta), softmax / log-softmax and their gradients, Gumbel-softmax on
// the Philox stream, and two-hot encoding. Semantics are RefNn's.
//
// Row-wise ops run one row per row group (common.cuh: a warp, or a whole block for long rows) and make two or three
// passes over the row, each lane touching only its own columns, so they may run in place. Row statistics are
// accumulated in double (mean and variance of LayerNorm, the sums of the backward passes, softmax denominators):
// float's roundoff over long rows would exceed the parity tolerance, and these kernels are memory-bound, so the
// extra FP64 work is free on an H100 (and still below the memory time on GPUs with 1/64-rate FP64).
// Gumbel-softmax works in double throughout, like the host backends: the perturbed logits (x + g)/tau are large for
// small tau, and rounding them to float would cost the softmax several ulps. It keeps an online (max, sum)
// accumulator, so each element's Philox word and two logarithms are computed twice (pass 1 and the output pass)
// rather than stored.
// LayerNorm's dgamma/dbeta are column sums over the rows: nn_layer_norm_params gives each block a 32-column tile and
// a chunk of rows, reduces the chunk in a fixed order into per-chunk partials, and nn_layer_norm_params_final adds
// the chunks in order (skipped when one chunk covers all rows). No float atomics.
//
// Napkin math at 256 x 4096, H100 SXM (~3 TB/s): activation 8 B/element (~3 us); LayerNorm forward reads x up to
// three times (L2-resident per row) and writes y: ~8-16 B/element, ~5 us; backward dx ~12 B/element plus the
// dgamma/dbeta pass (8 B/element), ~10 us; softmax ~8-12 B/element, ~4 us; Gumbel-softmax is compute-bound on two
// Philox evaluations and four double logs per element (~200 FP64 ops: 1M elements ~ 0.2 GFLOP FP64, ~10 us).
#include "common.cuh"
#include "philox.cuh"

/** NnOps.Activation in declaration order: IDENTITY, RELU, ELU, TANH, SOFTPLUS. */
template <int F>
static __device__ __forceinline__ float nn_forward(float x) {
    switch (F) {
        case 0: return x;
        case 1: return cm_jmaxf(x, 0.0f);
        case 2: return x > 0.0f ? x : expm1f(x);
        case 3: return tanhf(x);
        default: return cm_jmaxf(x, 0.0f) + log1pf(expf(-fabsf(x)));
    }
}

/** dy * f'(x), from the input x or the output y; a dead ReLU passes exactly 0. */
template <int F>
static __device__ __forceinline__ float nn_backward(float x, float y, float dy) {
    switch (F) {
        case 0: return dy;
        case 1: return x > 0.0f ? dy : 0.0f;
        case 2: return x > 0.0f ? dy : dy * (y + 1.0f);
        case 3: return dy * fmaf(-y, y, 1.0f);
        default: return dy / (1.0f + expf(-x));
    }
}

template <int F>
static __device__ __forceinline__ void nn_activation_body(const float* x, float* y, long long n) {
    const bool vec = cm_aligned16(x, y);
    for (long long g = cm_tid(); g < (n + 3) / 4; g += cm_threads()) {
        const long long e = 4 * g;
        const int len = n - e < 4 ? (int)(n - e) : 4;
        float a[4];
        cm_ld4(x, e, len, vec, a);
        for (int j = 0; j < len; ++j) a[j] = nn_forward<F>(a[j]);
        cm_st4(y, e, len, vec, a);
    }
}

extern "C" __global__ void __launch_bounds__(1024)
nn_activation(int f, const float* x, float* y, long long n) {
    switch (f) {
        case 0: nn_activation_body<0>(x, y, n); break;
        case 1: nn_activation_body<1>(x, y, n); break;
        case 2: nn_activation_body<2>(x, y, n); break;
        case 3: nn_activation_body<3>(x, y, n); break;
        default: nn_activation_body<4>(x, y, n); break;
    }
}

template <int F>
static __device__ __forceinline__ void nn_activation_bwd_body(const float* x, const float* y, const float* dy,
                                                              float* dx, long long n) {
    const bool vec = cm_aligned16(x, y, dy, dx);
    for (long long g = cm_tid(); g < (n + 3) / 4; g += cm_threads()) {
        const long long e = 4 * g;
        const int len = n - e < 4 ? (int)(n - e) : 4;
        float a[4], b[4], d[4];
        cm_ld4(x, e, len, vec, a);
        cm_ld4(y, e, len, vec, b);
        cm_ld4(dy, e, len, vec, d);
        for (int j = 0; j < len; ++j) d[j] = nn_backward<F>(a[j], b[j], d[j]);
        cm_st4(dx, e, len, vec, d);
    }
}

/** dx = dy * f'(x) (dx may be dy). */
extern "C" __global__ void __launch_bounds__(1024)
nn_activation_bwd(int f, const float* x, const float* y, const float* dy, float* dx, long long n) {
    switch (f) {
        case 0: nn_activation_bwd_body<0>(x, y, dy, dx, n); break;
        case 1: nn_activation_bwd_body<1>(x, y, dy, dx, n); break;
        case 2: nn_activation_bwd_body<2>(x, y, dy, dx, n); break;
        case 3: nn_activation_bwd_body<3>(x, y, dy, dx, n); break;
        default: nn_activation_bwd_body<4>(x, y, dy, dx, n); break;
    }
}

/** y = (x - mean) * rstd (* gamma + beta); gamma and beta both null or both given; y may be x. Row groups. */
extern "C" __global__ void __launch_bounds__(1024)
nn_layer_norm(const float* x, const float* gamma, const float* beta, float eps, int rows, int cols, float* y,
              float* mean, float* rstd) {
    const int lane = threadIdx.x, tpr = blockDim.x;
    for (long long r = cm_first_row(); r < rows; r += cm_row_stride()) {
        const float* xr = x + r * cols;
        float* yr = y + r * cols;
        double s = 0.0;
        for (int j = lane; j < cols; j += tpr) s += xr[j];
        const double mu = cm_group_reduce(s, cm_add(), 0.0) / cols;
        double v = 0.0;
        for (int j = lane; j < cols; j += tpr) {
            const double c = xr[j] - mu;
            v += c * c;
        }
        const double rs = 1.0 / sqrt(cm_group_reduce(v, cm_add(), 0.0) / cols + eps);
        for (int j = lane; j < cols; j += tpr) {
            const float xhat = (float)((xr[j] - mu) * rs);
            yr[j] = gamma == nullptr ? xhat : fmaf(xhat, gamma[j], beta[j]);
        }
        if (lane == 0) {
            mean[r] = (float)mu;
            rstd[r] = (float)rs;
        }
    }
}

/** dx = rstd * (g - mean(g) - xhat * mean(g * xhat)) with g = dy (* gamma); dx may be dy. Row groups. */
extern "C" __global__ void __launch_bounds__(1024)
nn_layer_norm_bwd(const float* dy, const float* x, const float* gamma, const float* mean, const float* rstd, int rows,
                  int cols, float* dx) {
    const int lane = threadIdx.x, tpr = blockDim.x;
    for (long long r = cm_first_row(); r < rows; r += cm_row_stride()) {
        const long long o = r * cols;
        const double mu = mean[r], rs = rstd[r];
        double sg = 0.0, sgx = 0.0;
        for (int j = lane; j < cols; j += tpr) {
            const double g = gamma == nullptr ? (double)dy[o + j] : (double)dy[o + j] * gamma[j];
            sg += g;
            sgx += g * ((x[o + j] - mu) * rs);
        }
        const double mg = cm_group_reduce(sg, cm_add(), 0.0) / cols;
        const double mgx = cm_group_reduce(sgx, cm_add(), 0.0) / cols;
        for (int j = lane; j < cols; j += tpr) {
            const double g = gamma == nullptr ? (double)dy[o + j] : (double)dy[o + j] * gamma[j];
            const double xhat = (x[o + j] - mu) * rs;
            dx[o + j] = (float)(rs * (g - mg - xhat * mgx));
        }
    }
}

/**
 * dgamma = sum over rows of dy * xhat, dbeta = sum of dy, for a 32-column tile (blockIdx.x) and a chunk of
 * chunkRows rows (blockIdx.y); 1-D blocks of 32 x (blockDim.x / 32) threads. With one chunk the sums go straight to
 * dgamma/dbeta, else to partials [chunk][2][cols] for nn_layer_norm_params_final.
 */
extern "C" __global__ void __launch_bounds__(1024)
nn_layer_norm_params(const float* dy, const float* x, const float* mean, const float* rstd, int rows, int cols,
                     int chunkRows, double* partials, float* dgamma, float* dbeta) {
    const int tx = threadIdx.x & 31, ty = threadIdx.x >> 5, lanes = blockDim.x >> 5;
    const int c = blockIdx.x * 32 + tx;
    const long long r0 = (long long)blockIdx.y * chunkRows;
    const long long r1 = r0 + chunkRows < rows ? r0 + chunkRows : rows;
    double sg = 0.0, sb = 0.0;
    if (c < cols) {
        for (long long r = r0 + ty; r < r1; r += lanes) {
            const double g = dy[r * cols + c];
            sg += g * ((x[r * cols + c] - (double)mean[r]) * rstd[r]);
            sb += g;
        }
    }
    sg = cm_tile_column_reduce(sg, cm_add());
    sb = cm_tile_column_reduce(sb, cm_add());
    if (ty != 0 || c >= cols) return;
    if (gridDim.y == 1) {
        dgamma[c] = (float)sg;
        dbeta[c] = (float)sb;
    } else {
        partials[(2LL * blockIdx.y) * cols + c] = sg;
        partials[(2LL * blockIdx.y + 1) * cols + c] = sb;
    }
}

/** Adds the chunks' partials of each column in chunk order. */
extern "C" __global__ void __launch_bounds__(1024)
nn_layer_norm_params_final(const double* partials, int chunks, int cols, float* dgamma, float* dbeta) {
    for (long long c = cm_tid(); c < cols; c += cm_threads()) {
        double sg = 0.0, sb = 0.0;
        for (int k = 0; k < chunks; ++k) {
            sg += partials[(2LL * k) * cols + c];
            sb += partials[(2LL * k + 1) * cols + c];
        }
        dgamma[c] = (float)sg;
        dbeta[c] = (float)sb;
    }
}

/** Softmax (wantLog = 0) or log-softmax (wantLog = 1) of each row, max-subtracted; y may be x. Row groups. */
extern "C" __global__ void __launch_bounds__(1024)
nn_softmax(const float* x, float* y, int rows, int cols, int wantLog) {
    const int lane = threadIdx.x, tpr = blockDim.x;
    for (long long r = cm_first_row(); r < rows; r += cm_row_stride()) {
        const float* xr = x + r * cols;
        float* yr = y + r * cols;
        float m = -INFINITY;
        for (int j = lane; j < cols; j += tpr) m = cm_jmaxf(m, xr[j]);
        m = cm_group_reduce(m, cm_max(), -INFINITY);
        double s = 0.0;
        for (int j = lane; j < cols; j += tpr) s += expf(xr[j] - m);
        s = cm_group_reduce(s, cm_add(), 0.0);
        const float inv = (float)(1.0 / s), ls = (float)log(s);
        for (int j = lane; j < cols; j += tpr) {
            const float d = xr[j] - m;
            yr[j] = wantLog ? d - ls : expf(d) * inv;
        }
    }
}

/** softmax: dx = y * (dy - sum(dy * y)); log-softmax: dx = dy - exp(y) * sum(dy). dx may be dy. Row groups. */
extern "C" __global__ void __launch_bounds__(1024)
nn_softmax_bwd(const float* y, const float* dy, float* dx, int rows, int cols, int wantLog) {
    const int lane = threadIdx.x, tpr = blockDim.x;
    for (long long r = cm_first_row(); r < rows; r += cm_row_stride()) {
        const long long o = r * cols;
        double s = 0.0;
        for (int j = lane; j < cols; j += tpr) s += wantLog ? (double)dy[o + j] : (double)dy[o + j] * y[o + j];
        s = cm_group_reduce(s, cm_add(), 0.0);
        const float sf = (float)s;
        for (int j = lane; j < cols; j += tpr) {
            const float g = dy[o + j], v = y[o + j];
            // dy - s cancels at a near-one-hot row's peak: subtract in double, where g - s is exact.
            dx[o + j] = wantLog ? fmaf(-expf(v), sf, g) : (float)(v * ((double)g - s));
        }
    }
}

/** (x + g) / tau in double, g = -ln(-ln u), u the open uniform of the Philox word at flat index i. */
static __device__ __forceinline__ double nn_gumbel_z(float x, double tau, unsigned long long seed,
                                                     unsigned long long stream, long long i) {
    const double u = philox_open_uniform(philox_word(seed, stream, (unsigned long long)i));
    return ((double)x - log(-log(u))) / tau;
}

/** y = softmax((logits + g) / tau) per row, in double, rounded once; y may be logits. Row groups. */
extern "C" __global__ void __launch_bounds__(1024)
nn_gumbel_softmax(const float* logits, float tau, unsigned long long seed, unsigned long long stream, float* y,
                  int rows, int cols) {
    const int lane = threadIdx.x, tpr = blockDim.x;
    for (long long r = cm_first_row(); r < rows; r += cm_row_stride()) {
        const long long o = r * cols;
        cm_ms acc{-INFINITY, 0.0};
        for (int j = lane; j < cols; j += tpr) cm_ms_add(acc, nn_gumbel_z(logits[o + j], tau, seed, stream, o + j));
        acc = cm_group_reduce(acc, cm_ms_merge(), cm_ms{-INFINITY, 0.0});
        for (int j = lane; j < cols; j += tpr) {
            y[o + j] = (float)(exp(nn_gumbel_z(logits[o + j], tau, seed, stream, o + j) - acc.m) / acc.s);
        }
    }
}

/**
 * Two-hot weights, one thread per output element (n = rows * nb): the value clamped to [bins[0], bins[nb-1]] is
 * split between bins k and k+1, k the last bin in [0, nb-2] with bins[k] <= v (found by binary search; 0 for NaN);
 * equal neighbouring bins give all the weight to k. Weights are computed in double and rounded once, as RefNn.
 */
extern "C" __global__ void __launch_bounds__(1024)
nn_two_hot(const float* values, const float* bins, int nb, float* out, long long n) {
    for (long long t = cm_tid(); t < n; t += cm_threads()) {
        long long r, jl;
        cm_divmod(t, nb, r, jl);
        const int j = (int)jl;
        const float v = cm_jminf(cm_jmaxf(values[r], bins[0]), bins[nb - 1]);
        int lo = 1, hi = nb - 1;  // first index in [1, nb-1) whose bin exceeds v, or nb-1
        while (lo < hi) {
            const int mid = (lo + hi) >> 1;
            if (bins[mid] <= v) lo = mid + 1; else hi = mid;
        }
        const int k = lo - 1;
        float w = 0.0f;
        if (j == k || j == k + 1) {
            const double width = (double)bins[k + 1] - bins[k];
            const double upper = width > 0.0 ? ((double)v - bins[k]) / width : 0.0;
            w = (float)(j == k ? 1.0 - upper : upper);
        }
        out[t] = w;
    }
}

#ifdef EMU_EXPORT_KERNEL
EMU_EXPORT_KERNEL(nn_activation, (int f, const float* x, float* y, long long n), (f, x, y, n))
EMU_EXPORT_KERNEL(nn_activation_bwd, (int f, const float* x, const float* y, const float* dy, float* dx, long long n),
                  (f, x, y, dy, dx, n))
EMU_EXPORT_KERNEL(nn_layer_norm,
                  (const float* x, const float* gamma, const float* beta, float eps, int rows, int cols, float* y,
                   float* mean, float* rstd),
                  (x, gamma, beta, eps, rows, cols, y, mean, rstd))
EMU_EXPORT_KERNEL(nn_layer_norm_bwd,
                  (const float* dy, const float* x, const float* gamma, const float* mean, const float* rstd,
                   int rows, int cols, float* dx),
                  (dy, x, gamma, mean, rstd, rows, cols, dx))
EMU_EXPORT_KERNEL(nn_layer_norm_params,
                  (const float* dy, const float* x, const float* mean, const float* rstd, int rows, int cols,
                   int chunkRows, double* partials, float* dgamma, float* dbeta),
                  (dy, x, mean, rstd, rows, cols, chunkRows, partials, dgamma, dbeta))
EMU_EXPORT_KERNEL(nn_layer_norm_params_final,
                  (const double* partials, int chunks, int cols, float* dgamma, float* dbeta),
                  (partials, chunks, cols, dgamma, dbeta))
EMU_EXPORT_KERNEL(nn_softmax, (const float* x, float* y, int rows, int cols, int wantLog),
                  (x, y, rows, cols, wantLog))
EMU_EXPORT_KERNEL(nn_softmax_bwd, (const float* y, const float* dy, float* dx, int rows, int cols, int wantLog),
                  (y, dy, dx, rows, cols, wantLog))
EMU_EXPORT_KERNEL(nn_gumbel_softmax,
                  (const float* logits, float tau, unsigned long long seed, unsigned long long stream, float* y,
                   int rows, int cols),
                  (logits, tau, seed, stream, y, rows, cols))
EMU_EXPORT_KERNEL(nn_two_hot, (const float* values, const float* bins, int nb, float* out, long long n),
                  (values, bins, nb, out, n))
#endif
