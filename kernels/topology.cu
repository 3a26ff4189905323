// Topology updates on the dense view of a weight (values F32[n], mask U8[n]): exact top-k selection by radix select
// (no sort), the mask bookkeeping after a change, and counting active entries. Semantics are those of
// TopologyOps / RefTopology: among equal keys the lower flat index is taken first; |x| compares by magnitude
// (-0.0 ties +0.0); NaN is the smallest magnitude (pruned first, grown last).
//
// Keys are unsigned 32-bit, "smallest first" being the selection order, computed on the fly in every pass:
//   prune        active entries,   |w| bits + 1 (NaN -> 0)
//   grow         inactive entries, 0x7F800000 - |s| bits (NaN -> 0x7F800001)
//   random grow  inactive entries, the Philox word at the flat index (philox.cuh), never stored
//   random mask  every entry,      the Philox word; the mask is rewritten
//
// One selection is 9 launches on one stream, the host knowing only sizes; the state lives in a small device buffer
// (`state`, unsigned[TOPO_COUNTS + blocks + 1]):
//   topo_hist  x3  multi-block histogram of one digit (11, 11, 10 bits) of the eligible keys whose higher digits
//                  match the prefix found so far: shared-memory histogram, merged with integer atomics
//   topo_pick  x3  one block: scans that histogram, appends the digit holding the k-th key to the prefix, keeps how
//                  many keys equal to the threshold T are still to take, and zeroes the histogram for the next pass
//   topo_count     per-block count of eligible keys equal to T (only when some, not all, of them are taken)
//   topo_scan      one block: exclusive scan of those counts, so each block knows how many ties precede it
//   topo_mark      flips keys < T, and keys == T while their rank in index order (block offset + block-wide
//                  scan inside the one block that straddles the cut) is below the number still needed
// Small inputs (a few groups per thread of one block) run the same steps in one block and one launch,
// topo_select_small, with barriers where the large path has launch boundaries.
// Every block covers a fixed range of groups of 4 entries (one float4, one mask word, one Philox block), so the
// result is exact and independent of the block size. If the caller's k exceeds the eligible count (host backends
// reject that; the device cannot without a sync), every eligible entry is taken.
//
// Napkin math, 4096 x 4096 (n = 16.8M), H100 SXM (3.35 TB/s peak, ~3 TB/s reachable):
//   pruneSmallest / growLargest: 3 histogram passes + 1 mark pass, each reading 4 B key + 1 B mask = 84 MB,
//     336 MB in all (+84 MB for topo_count when ties straddle the cut); ~6 integer ops per entry per pass.
//     ~0.11 ms each at 3 TB/s, plus 9 launches (~2 us each when queued back to back).
//   growRandom / randomMask: 4 passes over the 17 MB mask, but 10 Philox rounds per 4 entries per pass
//     (~170M rounds, ~2G integer ops): ~0.1 ms, compute-bound.
//   applyMaskChange (values + 2 moments): reads 2 x 17 MB of masks, writes 4 B x 3 at each entry not kept
//     (90% at density 0.1): ~215 MB, ~0.07 ms.
//   A RigL update (prune + grow + applyMaskChange) moves ~0.9 GB: ~0.3 ms, well inside the 1 ms budget.
//   countActive: reads 17 MB, ~6 us.
#include "philox.cuh"

#define TOPO_PRUNE 0
#define TOPO_GROW 1
#define TOPO_RANDOM_GROW 2
#define TOPO_RANDOM_ALL 3

#define TOPO_BINS 2048
#define TOPO_PREFIX (TOPO_BINS + 0)
#define TOPO_NEED (TOPO_BINS + 1)
#define TOPO_EQ (TOPO_BINS + 2)
#define TOPO_RANK (TOPO_BINS + 3)
#define TOPO_COUNTS (TOPO_BINS + 8)

/** The selection key of a float: smallest first. */
static __device__ __forceinline__ unsigned topo_key(float x, int kind) {
    const unsigned b = __float_as_uint(x) & 0x7FFFFFFFu;
    const bool nan = b > 0x7F800000u;
    if (kind == TOPO_PRUNE) return nan ? 0u : b + 1u;
    return nan ? 0x7F800001u : 0x7F800000u - b;
}

/** Bit j set when mask byte j of the word is non-zero. */
static __device__ __forceinline__ unsigned topo_nonzero_bytes(unsigned w) {
    return ((w & 0xFFu) != 0) | (((w & 0xFF00u) != 0) << 1) | (((w & 0xFF0000u) != 0) << 2) |
           (((w & 0xFF000000u) != 0) << 3);
}

/** Bit j set when entry 4g+j exists and mask byte j is non-zero; `vec` allows one aligned word load. */
static __device__ __forceinline__ unsigned topo_active(const unsigned char* mask, long long n, long long g, bool vec) {
    const long long e = 4 * g;
    if (vec && e + 4 <= n) return topo_nonzero_bytes(*reinterpret_cast<const unsigned*>(mask + e));
    unsigned bits = 0;
    for (int j = 0; j < 4 && e + j < n; ++j) bits |= (unsigned)(mask[e + j] != 0) << j;
    return bits;
}

static __device__ __forceinline__ unsigned topo_in_range(long long n, long long g) {
    const long long left = n - 4 * g;
    return left <= 0 ? 0u : left >= 4 ? 0xFu : (1u << left) - 1u;
}

/**
 * The eligible entries of group g (bit j for entry 4g+j) and, when there are any, their keys. `vec`: src is
 * 16-byte and mask 4-byte aligned, so whole groups load as one float4 and one word.
 */
static __device__ __forceinline__ unsigned topo_group(int kind, const float* src, const unsigned char* mask,
                                                      long long n, long long g, bool vec, unsigned long long seed,
                                                      unsigned long long stream, unsigned key[4]) {
    const unsigned in_range = topo_in_range(n, g);
    if (in_range == 0) return 0;
    unsigned elig = in_range;
    if (kind != TOPO_RANDOM_ALL) {
        const unsigned active = topo_active(mask, n, g, vec);
        elig = kind == TOPO_PRUNE ? active : in_range & ~active;
        if (elig == 0) return 0;
    }
    if (kind >= TOPO_RANDOM_GROW) {
        const uint4 b = philox_block(seed, stream, (unsigned long long)g);
        key[0] = b.x;
        key[1] = b.y;
        key[2] = b.z;
        key[3] = b.w;
        return elig;
    }
    const long long e = 4 * g;
    if (vec && in_range == 0xFu) {
        const float4 x = *reinterpret_cast<const float4*>(src + e);
        key[0] = topo_key(x.x, kind);
        key[1] = topo_key(x.y, kind);
        key[2] = topo_key(x.z, kind);
        key[3] = topo_key(x.w, kind);
    } else {
        for (int j = 0; j < 4; ++j) key[j] = (in_range >> j) & 1u ? topo_key(src[e + j], kind) : 0u;
    }
    return elig;
}

static __device__ __forceinline__ bool topo_vec(const void* src, const void* mask) {
    return ((unsigned long long)src & 15u) == 0 && ((unsigned long long)mask & 3u) == 0;
}

/**
 * Exclusive prefix sum of v over the block in thread order; *total gets the block's sum. Every thread must call it
 * (blockDim.x a multiple of 32); `warp_sums` is shared scratch of 32 entries.
 */
static __device__ __forceinline__ unsigned topo_block_scan(unsigned v, unsigned* warp_sums, unsigned* total) {
    const unsigned full = 0xFFFFFFFFu;
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    unsigned x = v;
    for (int o = 1; o < 32; o <<= 1) {
        const unsigned y = __shfl_up_sync(full, x, o);
        if (lane >= o) x += y;
    }
    if (lane == 31) warp_sums[warp] = x;
    __syncthreads();
    if (warp == 0) {
        unsigned s = lane < warps ? warp_sums[lane] : 0u;
        for (int o = 1; o < 32; o <<= 1) {
            const unsigned y = __shfl_up_sync(full, s, o);
            if (lane >= o) s += y;
        }
        if (lane < warps) warp_sums[lane] = s;
    }
    __syncthreads();
    const unsigned before = (warp > 0 ? warp_sums[warp - 1] : 0u) + x - v;
    *total = warp_sums[warps - 1];
    __syncthreads();  // warp_sums is reused by the next call
    return before;
}

/** One selection pass's inputs, as every pass kernel receives them. */
struct TopoPass {
    int kind;
    const float* src;
    unsigned char* mask;
    long long n;
    int iters;
    unsigned long long seed, stream;
};

/** Sum of v over the block into *out (shared), by shared-memory integer atomics: two barriers. */
static __device__ __forceinline__ unsigned topo_block_sum(unsigned v, unsigned* out) {
    if (threadIdx.x == 0) *out = 0;
    __syncthreads();
    if (v != 0) atomicAdd(out, v);
    __syncthreads();
    const unsigned total = *out;
    __syncthreads();  // *out is reused by the next call
    return total;
}

/**
 * Histogram of the digit (key >> shift) & (2^bits - 1) over the eligible keys whose bits above shift + bits equal
 * the prefix found so far, for the groups of block `blk`: [blk, blk+1) * iters * blockDim.x.
 */
static __device__ __forceinline__ void topo_hist_body(const TopoPass& p, int blk, int shift, int bits,
                                                      unsigned* state, unsigned* bins) {
    const int nb = 1 << bits;
    for (int b = threadIdx.x; b < nb; b += blockDim.x) bins[b] = 0;
    __syncthreads();
    const int high = shift + bits;
    const unsigned prefix_mask = high >= 32 ? 0u : ~0u << high;
    const unsigned prefix = state[TOPO_PREFIX] & prefix_mask;
    const bool vec = topo_vec(p.src, p.mask);
    const long long base = (long long)blk * p.iters * blockDim.x + threadIdx.x;
    // Runs of equal digits are counted in a register and added at once, so heavily tied keys (all one value, or a
    // few) do not serialise the block on one shared-memory counter.
    unsigned run_bin = 0, run = 0;
    for (int it = 0; it < p.iters; ++it) {
        unsigned key[4];
        const unsigned elig = topo_group(p.kind, p.src, p.mask, p.n, base + (long long)it * blockDim.x, vec, p.seed,
                                         p.stream, key);
        for (int j = 0; j < 4; ++j) {
            if ((elig >> j & 1u) && (key[j] & prefix_mask) == prefix) {
                const unsigned bin = (key[j] >> shift) & (unsigned)(nb - 1);
                if (bin != run_bin && run != 0) {
                    atomicAdd(&bins[run_bin], run);
                    run = 0;
                }
                run_bin = bin;
                ++run;
            }
        }
    }
    if (run != 0) atomicAdd(&bins[run_bin], run);
    __syncthreads();
    for (int b = threadIdx.x; b < nb; b += blockDim.x) {
        if (bins[b] != 0) atomicAdd(&state[b], bins[b]);
    }
}

/**
 * One block: finds the digit holding the need-th smallest key in the histogram, appends it to the prefix at
 * `shift`, subtracts the keys below it from need, records how many keys equal the new prefix's bucket, and zeroes
 * the histogram. The first pass (first = 1) starts from need = k, clamped to the eligible count.
 */
static __device__ __forceinline__ void topo_pick_body(unsigned* state, int shift, int bits, unsigned k, int first,
                                                      unsigned* warp_sums) {
    // The histogram was built by global atomics, which bypass L1; volatile loads bypass it too, so the one-block
    // path (topo_select_small, where no launch boundary separates the two) never reads a stale cached line.
    const volatile unsigned* hist = state;
    const int nb = 1 << bits;
    const int per = (nb + blockDim.x - 1) / blockDim.x;
    const int lo = min(nb, (int)threadIdx.x * per), hi = min(nb, lo + per);
    unsigned need = first ? k : state[TOPO_NEED];
    unsigned local = 0;
    for (int d = lo; d < hi; ++d) local += hist[d];
    unsigned total;
    const unsigned before = topo_block_scan(local, warp_sums, &total);
    if (need > total) need = total;
    const bool mine = need == 0 ? threadIdx.x == 0 : before < need && need <= before + local;
    if (mine) {
        unsigned below = before;
        int digit = lo;
        if (need > 0) {
            while (below + hist[digit] < need) below += hist[digit++];
        }
        const unsigned eq = need > 0 ? hist[digit] : 0u;
        state[TOPO_PREFIX] = (first ? 0u : state[TOPO_PREFIX]) | ((unsigned)digit << shift);
        state[TOPO_NEED] = need - below;
        state[TOPO_EQ] = eq;
        state[TOPO_RANK] = need - below < eq;
    }
    __syncthreads();
    for (int d = threadIdx.x; d < nb; d += blockDim.x) state[d] = 0;
}

/** Block `blk`'s number of eligible keys equal to the threshold, when only some of them are taken. */
static __device__ __forceinline__ void topo_count_body(const TopoPass& p, int blk, unsigned* state,
                                                       unsigned* block_total) {
    const unsigned t = state[TOPO_PREFIX];
    const bool vec = topo_vec(p.src, p.mask);
    const long long base = (long long)blk * p.iters * blockDim.x + threadIdx.x;
    unsigned count = 0;
    for (int it = 0; it < p.iters; ++it) {
        unsigned key[4];
        const unsigned elig = topo_group(p.kind, p.src, p.mask, p.n, base + (long long)it * blockDim.x, vec, p.seed,
                                         p.stream, key);
        for (int j = 0; j < 4; ++j) count += (elig >> j & 1u) && key[j] == t;
    }
    const unsigned total = topo_block_sum(count, block_total);
    if (threadIdx.x == 0) state[TOPO_COUNTS + blk] = total;
}

/** One block: the per-block tie counts become exclusive offsets in place, with the total after the last block. */
static __device__ __forceinline__ void topo_scan_body(unsigned* state, int blocks, unsigned* warp_sums) {
    unsigned* counts = state + TOPO_COUNTS;
    const int per = (blocks + blockDim.x - 1) / blockDim.x;
    const int lo = min(blocks, (int)threadIdx.x * per), hi = min(blocks, lo + per);
    unsigned local = 0;
    for (int b = lo; b < hi; ++b) local += counts[b];
    unsigned total;
    unsigned run = topo_block_scan(local, warp_sums, &total);
    for (int b = lo; b < hi; ++b) {
        const unsigned c = counts[b];
        counts[b] = run;
        run += c;
    }
    if (threadIdx.x == 0) counts[blocks] = total;
}

/** Writes the selection: selected entries get `value`; for a random mask every entry is rewritten. */
static __device__ __forceinline__ void topo_write(int kind, unsigned char* mask, long long n, long long g, bool vec,
                                                  unsigned selected) {
    const long long e = 4 * g;
    if (kind == TOPO_RANDOM_ALL) {
        if (vec && e + 4 <= n) {
            *reinterpret_cast<unsigned*>(mask + e) =
                (selected & 1u) | (selected >> 1 & 1u) << 8 | (selected >> 2 & 1u) << 16 | (selected >> 3 & 1u) << 24;
        } else {
            for (int j = 0; j < 4 && e + j < n; ++j) mask[e + j] = (unsigned char)(selected >> j & 1u);
        }
        return;
    }
    // Only selected bytes are stored, so unselected entries keep their exact byte.
    const unsigned char value = kind == TOPO_PRUNE ? 0 : 1;
    for (int j = 0; j < 4; ++j) {
        if (selected >> j & 1u) mask[e + j] = value;
    }
}

/**
 * Block `blk` flips every eligible key below the threshold, and the keys equal to it whose rank among the ties in
 * index order is below need: all of the block's ties when the cut lies after them, none when before them, and by a
 * block-wide scan tile by tile in the one block that straddles it.
 */
static __device__ __forceinline__ void topo_mark_body(const TopoPass& p, int blk, const unsigned* state,
                                                      unsigned* warp_sums) {
    const unsigned t = state[TOPO_PREFIX];
    const unsigned need = state[TOPO_NEED];
    // need = 0 only when nothing is eligible: then no tie is taken either.
    bool all_ties = need > 0, straddles = false;
    unsigned rank = 0;
    if (state[TOPO_RANK] != 0) {
        const unsigned first = state[TOPO_COUNTS + blk], end = state[TOPO_COUNTS + blk + 1];
        all_ties = end <= need;
        straddles = first < need && need < end;
        rank = first;
    }
    const bool vec = topo_vec(p.src, p.mask);
    const long long base = (long long)blk * p.iters * blockDim.x + threadIdx.x;
    for (int it = 0; it < p.iters; ++it) {
        const long long g = base + (long long)it * blockDim.x;
        unsigned key[4];
        const unsigned elig = topo_group(p.kind, p.src, p.mask, p.n, g, vec, p.seed, p.stream, key);
        unsigned below = 0, ties = 0;
        for (int j = 0; j < 4; ++j) {
            if (elig >> j & 1u) {
                below |= (unsigned)(key[j] < t) << j;
                ties |= (unsigned)(key[j] == t) << j;
            }
        }
        unsigned selected = below | (all_ties ? ties : 0u);
        if (straddles) {
            unsigned tile;
            unsigned r = rank + topo_block_scan(__popc(ties), warp_sums, &tile);
            for (int j = 0; j < 4; ++j) {
                if ((ties >> j & 1u) && r++ < need) selected |= 1u << j;
            }
            rank += tile;
        }
        if (selected != 0 || p.kind == TOPO_RANDOM_ALL) topo_write(p.kind, p.mask, p.n, g, vec, selected);
    }
}

#define TOPO_PASS_PARAMS                                                                                    \
    int kind, const float *src, unsigned char *mask, long long n, int iters, unsigned long long seed, \
        unsigned long long stream
#define TOPO_PASS {kind, src, mask, n, iters, seed, stream}

extern "C" __global__ void topo_hist(TOPO_PASS_PARAMS, int shift, int bits, unsigned* state) {
    __shared__ unsigned bins[TOPO_BINS];
    const TopoPass p = TOPO_PASS;
    topo_hist_body(p, blockIdx.x, shift, bits, state, bins);
}

extern "C" __global__ void topo_pick(unsigned* state, int shift, int bits, unsigned k, int first) {
    __shared__ unsigned warp_sums[32];
    topo_pick_body(state, shift, bits, k, first, warp_sums);
}

extern "C" __global__ void topo_count(TOPO_PASS_PARAMS, unsigned* state) {
    __shared__ unsigned block_total;
    const TopoPass p = TOPO_PASS;
    if (state[TOPO_RANK] != 0) topo_count_body(p, blockIdx.x, state, &block_total);
}

extern "C" __global__ void topo_scan(unsigned* state, int blocks) {
    __shared__ unsigned warp_sums[32];
    if (state[TOPO_RANK] != 0) topo_scan_body(state, blocks, warp_sums);
}

extern "C" __global__ void topo_mark(TOPO_PASS_PARAMS, const unsigned* state) {
    __shared__ unsigned warp_sums[32];
    const TopoPass p = TOPO_PASS;
    topo_mark_body(p, blockIdx.x, state, warp_sums);
}

/**
 * The whole selection in one block (small inputs): the same bodies as the kernels above, with the block covering
 * every group (iters = ceil(groups / blockDim.x)) and barriers where the multi-block path has launch boundaries.
 */
extern "C" __global__ void topo_select_small(TOPO_PASS_PARAMS, unsigned k, unsigned* state) {
    __shared__ unsigned bins[TOPO_BINS];
    __shared__ unsigned warp_sums[32];
    __shared__ unsigned block_total;
    const TopoPass p = TOPO_PASS;
    const int digits[3][2] = {{21, 11}, {10, 11}, {0, 10}};
    for (int d = 0; d < 3; ++d) {
        topo_hist_body(p, 0, digits[d][0], digits[d][1], state, bins);
        __syncthreads();
        topo_pick_body(state, digits[d][0], digits[d][1], k, d == 0, warp_sums);
        __syncthreads();
    }
    if (state[TOPO_RANK] != 0) {
        topo_count_body(p, 0, state, &block_total);
        __syncthreads();
        topo_scan_body(state, 1, warp_sums);
        __syncthreads();
    }
    topo_mark_body(p, 0, state, warp_sums);
}

/**
 * Zeroes each non-null target wherever the entry is not active in both masks (+0.0, written without reading the
 * target). Grid-stride over groups of 4 entries.
 */
extern "C" __global__ void topo_mask_change(const unsigned char* old_mask, const unsigned char* new_mask, long long n,
                                            float* t0, float* t1, float* t2, float* t3) {
    const bool vec = ((unsigned long long)old_mask & 3u) == 0 && ((unsigned long long)new_mask & 3u) == 0 &&
                     (((unsigned long long)t0 | (unsigned long long)t1 | (unsigned long long)t2 |
                       (unsigned long long)t3) & 15u) == 0;
    const long long groups = (n + 3) / 4;
    for (long long g = (long long)blockIdx.x * blockDim.x + threadIdx.x; g < groups;
         g += (long long)gridDim.x * blockDim.x) {
        const unsigned in_range = topo_in_range(n, g);
        const unsigned drop = in_range & ~(topo_active(old_mask, n, g, vec) & topo_active(new_mask, n, g, vec));
        if (drop == 0) continue;
        const long long e = 4 * g;
        float* targets[4] = {t0, t1, t2, t3};
        for (int t = 0; t < 4; ++t) {
            float* x = targets[t];
            if (x == nullptr) continue;
            if (vec && drop == 0xFu) {
                *reinterpret_cast<float4*>(x + e) = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
            } else {
                for (int j = 0; j < 4; ++j) {
                    if (drop >> j & 1u) x[e + j] = 0.0f;
                }
            }
        }
    }
}

/** Adds the number of non-zero mask bytes to *out (zeroed by the host first): integer atomics, one per block. */
extern "C" __global__ void topo_count_active(const unsigned char* mask, long long n, int* out) {
    __shared__ unsigned block_total;
    const bool vec = ((unsigned long long)mask & 3u) == 0;
    const long long groups = (n + 3) / 4;
    const long long stride = (long long)gridDim.x * blockDim.x;
    unsigned count = 0;
    for (long long g0 = (long long)blockIdx.x * blockDim.x; g0 < groups; g0 += stride) {
        count += __popc(topo_active(mask, n, g0 + threadIdx.x, vec));
    }
    const unsigned total = topo_block_sum(count, &block_total);
    if (threadIdx.x == 0 && total != 0) atomicAdd(out, (int)total);
}

#ifdef EMU_EXPORT_KERNEL
EMU_EXPORT_KERNEL(topo_hist,
                  (int kind, const float* src, unsigned char* mask, long long n, int iters,
                   unsigned long long seed, unsigned long long stream, int shift, int bits, unsigned* state),
                  (kind, src, mask, n, iters, seed, stream, shift, bits, state))
EMU_EXPORT_KERNEL(topo_pick, (unsigned* state, int shift, int bits, unsigned k, int first),
                  (state, shift, bits, k, first))
EMU_EXPORT_KERNEL(topo_count,
                  (int kind, const float* src, unsigned char* mask, long long n, int iters,
                   unsigned long long seed, unsigned long long stream, unsigned* state),
                  (kind, src, mask, n, iters, seed, stream, state))
EMU_EXPORT_KERNEL(topo_scan, (unsigned* state, int blocks), (state, blocks))
EMU_EXPORT_KERNEL(topo_mark,
                  (int kind, const float* src, unsigned char* mask, long long n, int iters,
                   unsigned long long seed, unsigned long long stream, const unsigned* state),
                  (kind, src, mask, n, iters, seed, stream, state))
EMU_EXPORT_KERNEL(topo_select_small,
                  (int kind, const float* src, unsigned char* mask, long long n, int iters,
                   unsigned long long seed, unsigned long long stream, unsigned k, unsigned* state),
                  (kind, src, mask, n, iters, seed, stream, k, state))
EMU_EXPORT_KERNEL(topo_mask_change,
                  (const unsigned char* old_mask, const unsigned char* new_mask, long long n, float* t0, float* t1,
                   float* t2, float* t3),
                  (old_mask, new_mask, n, t0, t1, t2, t3))
EMU_EXPORT_KERNEL(topo_count_active, (const unsigned char* mask, long long n, int* out), (mask, n, out))
#endif
