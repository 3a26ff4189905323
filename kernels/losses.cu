// Losses reduced to a mean (LossOps): Huber and MSE over all elements, cross-entropy of softmax(logits) against
// target rows, each with optional row weights, writing the 1x1 loss and, when grad is not null, the gradient.
// Semantics are RefLosses': terms and gradients in double, rounded once; the mean divides by the full count.
//
// The loss is a deterministic two-pass sum: each block adds its elements (or rows) in a fixed tree into one double
// partial, then loss_final adds the partials in index order and divides (skipped when the grid has one block, which
// then writes the loss itself). No float atomics. Gradients are written elementwise in the first pass; grad may be
// pred, as each element is read before the same thread overwrites it.
// Cross-entropy runs one row per row group (common.cuh): the row's maximum, the sum of exp in double, then
// sum(t * log p) and sum(t), and finally grad = w/rows * (p * sum(t) - t).
//
// Napkin math at 256 x 4096, H100 SXM (~3 TB/s): Huber/MSE read 8 B and write 4 B per element (12.6 MB, ~5 us with
// a few FP64 ops per element); cross-entropy reads logits twice or three times (L2) and the target once, writes
// the gradient: ~16 B/element, ~6 us. The final pass reads at most a few thousand doubles.
#include "common.cuh"

/**
 * Huber (kind 0, threshold delta) or MSE (kind 1) over n elements of cols columns, weighted per row (w may be null).
 * Writes grad (may be null) and this block's sum of weighted terms to partials[blockIdx.x], or the mean itself to
 * loss when the grid has one block. count = n as a double.
 */
extern "C" __global__ void __launch_bounds__(1024)
loss_pointwise(int kind, const float* pred, const float* target, const float* w, long long n, int cols, float delta,
               double count, float* grad, double* partials, float* loss) {
    const double d = delta, invDelta = 1.0 / d, invCount = 1.0 / count;
    double acc = 0.0;
    for (long long i = cm_tid(); i < n; i += cm_threads()) {
        long long r = 0, c;
        if (w != nullptr) cm_divmod(i, cols, r, c);
        const double wr = w == nullptr ? 1.0 : (double)w[r];
        const double e = (double)pred[i] - target[i];
        double term, g;
        if (kind == 0) {
            const double a = fabs(e);
            term = a < d ? 0.5 * e * e * invDelta : a - 0.5 * d;
            const double q = e * invDelta;
            g = q > 1.0 ? 1.0 : q < -1.0 ? -1.0 : q;
        } else {
            term = e * e;
            g = 2.0 * e;
        }
        acc += wr * term;
        if (grad != nullptr) grad[i] = (float)(wr * invCount * g);
    }
    acc = cm_block_reduce(acc, cm_add(), 0.0);
    if (threadIdx.x == 0) {
        if (gridDim.x == 1) {
            *loss = (float)(acc / count);
        } else {
            partials[blockIdx.x] = acc;
        }
    }
}

/** loss = (sum of partials[0 .. count), in order) / divisor; one block. */
extern "C" __global__ void __launch_bounds__(1024)
loss_final(const double* partials, int count, double divisor, float* loss) {
    double s = 0.0;
    for (int k = threadIdx.x; k < count; k += blockDim.x) s += partials[k];
    s = cm_block_reduce(s, cm_add(), 0.0);
    if (threadIdx.x == 0) *loss = (float)(s / divisor);
}

/**
 * Cross-entropy rows (row groups): adds w_r * sum_j t_rj * log softmax(x_r)_j over this block's rows into
 * partials[blockIdx.x], or writes loss = -total / rows when the grid has one block; grad (may be null, may be
 * logits) = w_r / rows * (softmax(x_r) * sum(t_r) - t_r).
 */
extern "C" __global__ void __launch_bounds__(1024)
loss_cross_entropy(const float* logits, const float* target, const float* w, int rows, int cols, float* grad,
                   double* partials, float* loss) {
    __shared__ double rowsTotal[32];
    const int lane = threadIdx.x, tpr = blockDim.x;
    double total = 0.0;
    for (long long r = cm_first_row(); r < rows; r += cm_row_stride()) {
        const float* xr = logits + r * cols;
        const float* tr = target + r * cols;
        float m = -INFINITY;
        for (int j = lane; j < cols; j += tpr) m = cm_jmaxf(m, xr[j]);
        m = cm_group_reduce(m, cm_max(), -INFINITY);
        double s = 0.0;
        for (int j = lane; j < cols; j += tpr) s += expf(xr[j] - m);
        s = cm_group_reduce(s, cm_add(), 0.0);
        const double ls = log(s);
        double dot = 0.0, mass = 0.0;
        for (int j = lane; j < cols; j += tpr) {
            dot += (double)tr[j] * ((double)(xr[j] - m) - ls);
            mass += tr[j];
        }
        dot = cm_group_reduce(dot, cm_add(), 0.0);
        mass = cm_group_reduce(mass, cm_add(), 0.0);
        const double wr = w == nullptr ? 1.0 : (double)w[r];
        total += wr * dot;
        if (grad != nullptr) {
            const double scale = wr / rows;
            const float inv = (float)(1.0 / s);
            for (int j = lane; j < cols; j += tpr) {
                const double p = expf(xr[j] - m) * inv;
                grad[r * cols + j] = (float)(scale * (p * mass - tr[j]));
            }
        }
    }
    // One value per row group (the groups' lanes agree), added in group order.
    __syncthreads();
    if (lane == 0) rowsTotal[threadIdx.y] = total;
    __syncthreads();
    if (threadIdx.x == 0 && threadIdx.y == 0) {
        double b = 0.0;
        for (int k = 0; k < (int)blockDim.y; ++k) b += rowsTotal[k];
        if (gridDim.x == 1) {
            *loss = (float)(-b / rows);
        } else {
            partials[blockIdx.x] = b;
        }
    }
}

#ifdef EMU_EXPORT_KERNEL
EMU_EXPORT_KERNEL(loss_pointwise,
                  (int kind, const float* pred, const float* target, const float* w, long long n, int cols,
                   float delta, double count, float* grad, double* partials, float* loss),
                  (kind, pred, target, w, n, cols, delta, count, grad, partials, loss))
EMU_EXPORT_KERNEL(loss_final, (const double* partials, int count, double divisor, float* loss),
                  (partials, count, divisor, loss))
EMU_EXPORT_KERNEL(loss_cross_entropy,
                  (const float* logits, const float* target, const float* w, int rows, int cols, float* grad,
                   double* partials, float* loss),
                  (logits, target, w, rows, cols, grad, partials, loss))
#endif
