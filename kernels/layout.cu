// Conversions between the dense view of a sparse weight (values F32 and mask U8, rows x cols, row-major; an entry
// is active where the mask byte is non-zero) and its compact layout (SparseWeight.Layout.COMPACT):
//   CSR: rowPtr[rows + 1], colIdx[nnz] and values[nnz], ordered by row then column;
//   CSC: colPtr[cols + 1], rowIdx[nnz], and perm[nnz] mapping each CSC position to its CSR position, each column
//        listing its rows in ascending order;
//   aligned gathers: any dense [rows x cols] array (optimizer moments) gathered in CSR order.
// Everything is integer counting with fixed placement, so the result is unique and deterministic:
//   1. layout_row_bits: one warp per row (or per 2 or 4 rows of at most 16 or 8 columns) packs the mask into
//      32-column words (ballot) and records, per word, how many active entries precede it in the row, and the row's
//      count.
//   2. layout_scan: exclusive prefix sum of the row counts -> CSR row starts and nnz (single block).
//   3. layout_col_block_counts + layout_col_block_scan: per column, active counts in blocks of 32 rows, scanned
//      down the column -> each block's first CSC slot within the column; the column totals, scanned again by
//      layout_scan -> colPtr.
//   4. layout_gather: rows as in 1; writes the CSR entries (position = row start + word offset + popcount of the
//      lower bits) and gathers the values and up to two aligned arrays per launch (AdamW's two moments: one launch).
//   5. layout_fill_csc: one thread per (column, 32-row block) deals its entries out in row order.
//   layout_expand scatters compact arrays back into zeroed dense ones (and sets the mask), three per launch.
//
// Napkin math, H100, 4096 x 4096 at d = 0.1 (nnz = 1.68 M), two aligned moments: the mask is read once (16 MiB),
// the packed words (2 MiB) and word offsets (2 MiB) a few times; each gather reads its touched sectors of the dense
// array (~57% of 64 MiB at d = 0.1) and writes 6.7 MiB; the CSC pass reads the words (2 MiB) and writes 13.4 MiB.
// About 150 MiB in all -> ~50 us at 3.35 TB/s, plus 8 launches. Runs at topology updates only.

#define LAYOUT_ROW_BLOCK 32  // rows per CSC placement block
#define LAYOUT_SCAN_THREADS 256

// Rows of up to 8 or 16 columns share a warp: `lanes` (8, 16 or 32) lanes per row, 32 / lanes rows per warp. With
// fewer than 32 lanes per row the row has a single 32-column word.
struct LayoutRow {
    int r;       // this lane's row
    int sub;     // this lane's position within its row's lanes
    int seg;     // which of the warp's rows
    int first;   // the warp's first row
};

static __device__ __forceinline__ LayoutRow layout_row(int lanes) {
    const int lane = threadIdx.x & 31;
    LayoutRow x;
    x.seg = lane / lanes;
    x.sub = lane % lanes;
    x.first = (blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5)) * (32 / lanes);
    x.r = x.first + x.seg;
    return x;
}

// One warp per row, or per 2 or 4 narrow rows (any block size that is a multiple of 32). bits[r * words + w] holds
// columns 32w .. 32w+31 of row r (bit l = column 32w + l), before[r * words + w] the active entries of row r left
// of word w, count[r] the row's total.
extern "C" __global__ void layout_row_bits(const unsigned char* __restrict__ mask, int rows, int cols, int words,
                                           int lanes, unsigned* __restrict__ bits, int* __restrict__ before,
                                           int* __restrict__ count) {
    const LayoutRow x = layout_row(lanes);
    if (x.first >= rows) {
        return;  // the whole warp: the ballots below need every lane of a live warp
    }
    const bool live = x.r < rows;
    const unsigned own = lanes == 32 ? 0xffffffffu : (1u << lanes) - 1u;
    const unsigned char* m = mask + (size_t)(live ? x.r : 0) * cols;
    int running = 0;
    for (int w = 0; w < words; ++w) {
        const int c = w * 32 + x.sub;
        const unsigned all = __ballot_sync(0xffffffffu, live && c < cols && m[c] != 0);
        const unsigned b = (all >> (x.seg * lanes)) & own;
        if (live && x.sub == 0) {
            bits[(size_t)x.r * words + w] = b;
            before[(size_t)x.r * words + w] = running;
        }
        running += __popc(b);
    }
    if (live && x.sub == 0) {
        count[x.r] = running;
    }
}

// out[i] = in[0] + ... + in[i - 1] for i <= n (out[n] is the total). Fixed launch: one block of 256 threads; each
// thread sums a contiguous run of ceil(n / 256) entries, the runs' totals are scanned across the block.
extern "C" __global__ void __launch_bounds__(LAYOUT_SCAN_THREADS) layout_scan(const int* __restrict__ in, int n,
                                                                              int* __restrict__ out) {
    constexpr int WARPS = LAYOUT_SCAN_THREADS / 32;
    __shared__ int warpTotals[WARPS];
    const int tid = threadIdx.x;
    const int lane = tid & 31;
    const int warp = tid >> 5;
    const int per = (n + LAYOUT_SCAN_THREADS - 1) / LAYOUT_SCAN_THREADS;
    const int lo = min(n, tid * per);
    const int hi = min(n, lo + per);
    int sum = 0;
    for (int i = lo; i < hi; ++i) {
        sum += in[i];
    }
    int incl = sum;  // inclusive scan of the run totals within the warp
#pragma unroll
    for (int o = 1; o < 32; o <<= 1) {
        const int v = __shfl_up_sync(0xffffffffu, incl, o);
        if (lane >= o) {
            incl += v;
        }
    }
    if (lane == 31) {
        warpTotals[warp] = incl;
    }
    __syncthreads();
    if (warp == 0) {
        int t = lane < WARPS ? warpTotals[lane] : 0;
#pragma unroll
        for (int o = 1; o < 32; o <<= 1) {
            const int v = __shfl_up_sync(0xffffffffu, t, o);
            if (lane >= o) {
                t += v;
            }
        }
        if (lane < WARPS) {
            warpTotals[lane] = t;  // inclusive over warps
        }
    }
    __syncthreads();
    int run = incl - sum + (warp > 0 ? warpTotals[warp - 1] : 0);
    for (int i = lo; i < hi; ++i) {
        out[i] = run;
        run += in[i];
    }
    if (tid == LAYOUT_SCAN_THREADS - 1) {
        out[n] = warpTotals[WARPS - 1];
    }
}

// blockCount[b * cols + c] = active entries of column c in rows [32b, 32b + 32). One thread per (row block,
// column), columns fastest.
extern "C" __global__ void layout_col_block_counts(const unsigned* __restrict__ bits, int rows, int cols, int words,
                                                   int blocks, int* __restrict__ blockCount) {
    const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long long)blocks * cols) {
        return;
    }
    const int b = (int)(i / cols);
    const int c = (int)(i % cols);
    const int r1 = min(rows, (b + 1) * LAYOUT_ROW_BLOCK);
    int n = 0;
    for (int r = b * LAYOUT_ROW_BLOCK; r < r1; ++r) {
        n += (bits[(size_t)r * words + (c >> 5)] >> (c & 31)) & 1u;
    }
    blockCount[i] = n;
}

// In place, per column: blockCount[b][c] becomes the count in row blocks before b; colCount[c] the column's total.
// One thread per column.
extern "C" __global__ void layout_col_block_scan(int* __restrict__ blockCount, int blocks, int cols,
                                                 int* __restrict__ colCount) {
    const int c = blockIdx.x * blockDim.x + threadIdx.x;
    if (c >= cols) {
        return;
    }
    int run = 0;
    for (int b = 0; b < blocks; ++b) {
        const int n = blockCount[(size_t)b * cols + c];
        blockCount[(size_t)b * cols + c] = run;
        run += n;
    }
    colCount[c] = run;
}

// Rows as in layout_row_bits: for each active (r, c), with p its CSR position, c0[p] = d0[r][c] (and the same for
// the pairs d1 -> c1 and d2 -> c2 when given). Also writes colIdx[p] and rowPtr[r] (rowPtr[rows] by the last row)
// when those are given.
extern "C" __global__ void layout_gather(const unsigned* __restrict__ bits, const int* __restrict__ before,
                                         const int* __restrict__ start, int rows, int cols, int words, int lanes,
                                         int* __restrict__ colIdx, int* __restrict__ rowPtr,
                                         const float* __restrict__ d0, float* __restrict__ c0,
                                         const float* __restrict__ d1, float* __restrict__ c1,
                                         const float* __restrict__ d2, float* __restrict__ c2) {
    const LayoutRow x = layout_row(lanes);
    if (x.r >= rows) {
        return;
    }
    const int s = start[x.r];
    if (rowPtr != nullptr && x.sub == 0) {
        rowPtr[x.r] = s;
        if (x.r == rows - 1) {
            rowPtr[rows] = start[rows];
        }
    }
    for (int w = 0; w < words; ++w) {
        const unsigned b = bits[(size_t)x.r * words + w];
        if ((b >> x.sub) & 1u) {
            const int p = s + before[(size_t)x.r * words + w] + __popc(b & ((1u << x.sub) - 1u));
            const int c = w * 32 + x.sub;
            const size_t at = (size_t)x.r * cols + c;
            if (colIdx != nullptr) {
                colIdx[p] = c;
            }
            c0[p] = d0[at];
            if (d1 != nullptr) {
                c1[p] = d1[at];
            }
            if (d2 != nullptr) {
                c2[p] = d2[at];
            }
        }
    }
}

// One thread per (row block b, column c), columns fastest: the block's active entries of column c take CSC slots
// colPtr[c] + blockStart[b][c] + 0, 1, ... in row order; perm points each at its CSR position.
extern "C" __global__ void layout_fill_csc(const unsigned* __restrict__ bits, const int* __restrict__ before,
                                           const int* __restrict__ start, const int* __restrict__ colPtr,
                                           const int* __restrict__ blockStart, int rows, int cols, int words,
                                           int blocks, int* __restrict__ rowIdx, int* __restrict__ perm) {
    const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long long)blocks * cols) {
        return;
    }
    const int b = (int)(i / cols);
    const int c = (int)(i % cols);
    const int w = c >> 5;
    const unsigned below = (1u << (c & 31)) - 1u;
    int q = colPtr[c] + blockStart[i];
    const int r1 = min(rows, (b + 1) * LAYOUT_ROW_BLOCK);
    for (int r = b * LAYOUT_ROW_BLOCK; r < r1; ++r) {
        const unsigned word = bits[(size_t)r * words + w];
        if ((word >> (c & 31)) & 1u) {
            rowIdx[q] = r;
            perm[q] = start[r] + before[(size_t)r * words + w] + __popc(word & below);
            ++q;
        }
    }
}

// Rows as in layout_row_bits: d0[r][colIdx[p]] = c0[p] for the row's entries (and the same for the pairs c1 -> d1
// and c2 -> d2 when given), and mask = 1 there when given. The dense arrays are zeroed beforehand.
extern "C" __global__ void layout_expand(const int* __restrict__ rowPtr, const int* __restrict__ colIdx, int rows,
                                         int cols, int lanes, unsigned char* __restrict__ mask,
                                         const float* __restrict__ c0, float* __restrict__ d0,
                                         const float* __restrict__ c1, float* __restrict__ d1,
                                         const float* __restrict__ c2, float* __restrict__ d2) {
    const LayoutRow x = layout_row(lanes);
    if (x.r >= rows) {
        return;
    }
    const int end = rowPtr[x.r + 1];
    for (int p = rowPtr[x.r] + x.sub; p < end; p += lanes) {
        const size_t at = (size_t)x.r * cols + colIdx[p];
        if (mask != nullptr) {
            mask[at] = 1;
        }
        d0[at] = c0[p];
        if (d1 != nullptr) {
            d1[at] = c1[p];
        }
        if (d2 != nullptr) {
            d2[at] = c2[p];
        }
    }
}

#ifdef EMU_EXPORT_KERNEL
EMU_EXPORT_KERNEL(layout_row_bits,
                  (const unsigned char* __restrict__ mask, int rows, int cols, int words, int lanes,
                   unsigned* __restrict__ bits, int* __restrict__ before, int* __restrict__ count),
                  (mask, rows, cols, words, lanes, bits, before, count))
EMU_EXPORT_KERNEL(layout_scan, (const int* __restrict__ in, int n, int* __restrict__ out), (in, n, out))
EMU_EXPORT_KERNEL(layout_col_block_counts,
                  (const unsigned* __restrict__ bits, int rows, int cols, int words, int blocks,
                   int* __restrict__ blockCount),
                  (bits, rows, cols, words, blocks, blockCount))
EMU_EXPORT_KERNEL(layout_col_block_scan, (int* __restrict__ blockCount, int blocks, int cols,
                                          int* __restrict__ colCount),
                  (blockCount, blocks, cols, colCount))
EMU_EXPORT_KERNEL(layout_gather,
                  (const unsigned* __restrict__ bits, const int* __restrict__ before, const int* __restrict__ start,
                   int rows, int cols, int words, int lanes, int* __restrict__ colIdx, int* __restrict__ rowPtr,
                   const float* __restrict__ d0, float* __restrict__ c0, const float* __restrict__ d1,
                   float* __restrict__ c1, const float* __restrict__ d2, float* __restrict__ c2),
                  (bits, before, start, rows, cols, words, lanes, colIdx, rowPtr, d0, c0, d1, c1, d2, c2))
EMU_EXPORT_KERNEL(layout_fill_csc,
                  (const unsigned* __restrict__ bits, const int* __restrict__ before, const int* __restrict__ start,
                   const int* __restrict__ colPtr, const int* __restrict__ blockStart, int rows, int cols, int words,
                   int blocks, int* __restrict__ rowIdx, int* __restrict__ perm),
                  (bits, before, start, colPtr, blockStart, rows, cols, words, blocks, rowIdx, perm))
EMU_EXPORT_KERNEL(layout_expand,
                  (const int* __restrict__ rowPtr, const int* __restrict__ colIdx, int rows, int cols, int lanes,
                   unsigned char* __restrict__ mask, const float* __restrict__ c0, float* __restrict__ d0,
                   const float* __restrict__ c1, float* __restrict__ d1, const float* __restrict__ c2,
                   float* __restrict__ d2),
                  (rowPtr, colIdx, rows, cols, lanes, mask, c0, d0, c1, d1, c2, d2))
#endif
