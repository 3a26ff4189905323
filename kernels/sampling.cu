// The float64 sum tree of prioritised replay (SamplingOps): tree[1] is the root, node j has children 2j and 2j+1,
// leaf i is node cap + i. Every internal node is always recomputed as the sum of its two children, never adjusted by
// a difference, so the tree does not drift and equals the reference bit for bit whatever the update order.
//
// sumTreeSet(idx[n], values[n]):
//   1. sumtree_tag     atomicMax of TAG | i into the 64-bit pattern of each updated leaf: TAG exceeds every valid
//                      leaf pattern (non-negative finite doubles and -0.0), so the leaf ends up naming the largest i,
//                      the last occurrence of that index.
//   2. sumtree_write   the update whose tag survived writes its weight.
//   3. ancestors level by level, one launch per level: sumtree_level recomputes the parents of the updated nodes
//      (duplicates write the same value), or sumtree_rebuild_level every node of a level when that is fewer
//      threads; sumtree_top finishes the small top levels in one block, a barrier between levels.
//   Small batches (n <= 4 x block) run all of it in one block (sumtree_set_small), barriers between phases.
// Updates with an index outside [0, cap) or a weight that is negative, NaN or infinite are skipped on the device
// (host backends reject the whole call; a kernel cannot without a sync).
// sumtree_sample: one thread per u descends from the root with target u * total (RefSampling's comparisons).
//
// Napkin math, cap = 2^20 leaves (16 MB of nodes), H100: a batch of 256 updates touches 256 x 20 nodes (~80 KB of
// random 8-byte reads): one launch, ~20 dependent global round trips, ~15 us. A batch of 64K rebuilds the lower
// levels wholesale: reads 16 MB once, ~10 us plus ~12 launches. Sampling 256 values: 20 dependent reads each, ~10 us.
#define SUMTREE_TAG 0xFFFFFFFF00000000ull

static __device__ __forceinline__ bool sumtree_valid(const int* idx, const float* w, int cap, int i) {
    const int leaf = idx[i];
    const float x = w[i];
    return leaf >= 0 && leaf < cap && x >= 0.0f && x <= 3.40282347e38f;
}

static __device__ __forceinline__ double sumtree_dmul(double a, double b) {
#if defined(__CUDA_ARCH__)
    return __dmul_rn(a, b);
#else
    return a * b;
#endif
}

static __device__ __forceinline__ void sumtree_recompute(double* tree, long long j) {
    tree[j] = tree[2 * j] + tree[2 * j + 1];
}

extern "C" __global__ void sumtree_tag(double* tree, int cap, const int* idx, const float* w, int n) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        if (sumtree_valid(idx, w, cap, i)) {
            atomicMax(reinterpret_cast<unsigned long long*>(tree + cap + idx[i]), SUMTREE_TAG | (unsigned)i);
        }
    }
}

/** The leaf's pattern read past the L1 cache, which atomics in this same kernel do not update. */
static __device__ __forceinline__ unsigned long long sumtree_leaf_bits(const double* leaf) {
    return *reinterpret_cast<const volatile unsigned long long*>(leaf);
}

extern "C" __global__ void sumtree_write(double* tree, int cap, const int* idx, const float* w, int n) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        if (sumtree_valid(idx, w, cap, i) && sumtree_leaf_bits(tree + cap + idx[i]) == (SUMTREE_TAG | (unsigned)i)) {
            tree[cap + idx[i]] = (double)w[i];
        }
    }
}

/** Recomputes node (cap + idx[i]) >> level of every valid update i. */
extern "C" __global__ void sumtree_level(double* tree, int cap, const int* idx, const float* w, int n, int level) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        if (sumtree_valid(idx, w, cap, i)) sumtree_recompute(tree, (long long)(cap + idx[i]) >> level);
    }
}

/** Recomputes every node of the level whose nodes are [count, 2 * count). */
extern "C" __global__ void sumtree_rebuild_level(double* tree, int count) {
    for (long long j = (long long)blockIdx.x * blockDim.x + threadIdx.x; j < count;
         j += (long long)gridDim.x * blockDim.x) {
        sumtree_recompute(tree, count + j);
    }
}

/** One block: recomputes every level from the one of `count` nodes up to the root, a barrier between levels. */
extern "C" __global__ void sumtree_top(double* tree, int count) {
    for (int level = count; level >= 1; level >>= 1) {
        for (int j = level + threadIdx.x; j < 2 * level; j += blockDim.x) sumtree_recompute(tree, j);
        __syncthreads();
    }
}

/** One block: the whole update (tag, write, every level of ancestors) with barriers between the phases. */
extern "C" __global__ void sumtree_set_small(double* tree, int cap, const int* idx, const float* w, int n, int depth) {
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        if (sumtree_valid(idx, w, cap, i)) {
            atomicMax(reinterpret_cast<unsigned long long*>(tree + cap + idx[i]), SUMTREE_TAG | (unsigned)i);
        }
    }
    __syncthreads();
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        if (sumtree_valid(idx, w, cap, i) && sumtree_leaf_bits(tree + cap + idx[i]) == (SUMTREE_TAG | (unsigned)i)) {
            tree[cap + idx[i]] = (double)w[i];
        }
    }
    __syncthreads();
    for (int level = 1; level <= depth; ++level) {
        for (int i = threadIdx.x; i < n; i += blockDim.x) {
            if (sumtree_valid(idx, w, cap, i)) sumtree_recompute(tree, (long long)(cap + idx[i]) >> level);
        }
        __syncthreads();
    }
}

/**
 * out[i] = the leaf whose interval holds u[i] * total: right when the target reaches the left sum or the left sum
 * is zero, unless the right sum is zero.
 */
extern "C" __global__ void sumtree_sample(const double* tree, int cap, const float* u, int* out, int n) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        double target = sumtree_dmul((double)u[i], tree[1]);
        int j = 1;
        while (j < cap) {
            const double left = tree[2 * j], right = tree[2 * j + 1];
            if (right > 0 && (left == 0 || target >= left)) {
                target -= left;
                j = 2 * j + 1;
            } else {
                j = 2 * j;
            }
        }
        out[i] = j - cap;
    }
}

extern "C" __global__ void sumtree_total(const double* tree, double* out) {
    if (threadIdx.x == 0 && blockIdx.x == 0) *out = tree[1];
}

#ifdef EMU_EXPORT_KERNEL
EMU_EXPORT_KERNEL(sumtree_tag, (double* tree, int cap, const int* idx, const float* w, int n), (tree, cap, idx, w, n))
EMU_EXPORT_KERNEL(sumtree_write, (double* tree, int cap, const int* idx, const float* w, int n),
                  (tree, cap, idx, w, n))
EMU_EXPORT_KERNEL(sumtree_level, (double* tree, int cap, const int* idx, const float* w, int n, int level),
                  (tree, cap, idx, w, n, level))
EMU_EXPORT_KERNEL(sumtree_rebuild_level, (double* tree, int count), (tree, count))
EMU_EXPORT_KERNEL(sumtree_top, (double* tree, int count), (tree, count))
EMU_EXPORT_KERNEL(sumtree_set_small, (double* tree, int cap, const int* idx, const float* w, int n, int depth),
                  (tree, cap, idx, w, n, depth))
EMU_EXPORT_KERNEL(sumtree_sample, (const double* tree, int cap, const float* u, int* out, int n),
                  (tree, cap, u, out, n))
EMU_EXPORT_KERNEL(sumtree_total, (const double* tree, double* out), (tree, out))
#endif
