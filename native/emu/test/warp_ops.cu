// Exact semantics of the warp intrinsics, including widths below 32, sources outside a lane's
// segment, partial warps (launch with a block size that is not a multiple of 32), divergent
// masks and lanes that exit. Thread t stores result r at out[r * blockDim.x + t]; the driver
// recomputes every value from CUDA's definitions (22 results per thread).

extern "C" __global__ void warp_ops(int* out) {
    const unsigned full = 0xFFFFFFFFu;
    const int t = threadIdx.x, n = blockDim.x, lane = t & 31;
    const int v = t * 7 + 1;
    int r = 0;
    out[r++ * n + t] = __shfl_sync(full, v, (lane * 5 + 3) & 31);
    out[r++ * n + t] = __shfl_sync(full, v, lane + 3, 8);  // a source beyond the width wraps around
    out[r++ * n + t] = __shfl_sync(full, v, -1, 16);
    out[r++ * n + t] = __shfl_up_sync(full, v, 3);
    out[r++ * n + t] = __shfl_up_sync(full, v, 3, 8);
    out[r++ * n + t] = __shfl_down_sync(full, v, 5);
    out[r++ * n + t] = __shfl_down_sync(full, v, 5, 16);
    out[r++ * n + t] = __shfl_xor_sync(full, v, 1);
    out[r++ * n + t] = __shfl_xor_sync(full, v, 16);
    out[r++ * n + t] = __shfl_xor_sync(full, v, 8, 8);  // a later segment gives the own value, an earlier one is read
    out[r++ * n + t] = __shfl_xor_sync(full, v, 3, 4);
    // 8-byte values: a long long with both halves significant, and a double.
    const long long wide = __shfl_xor_sync(full, (static_cast<long long>(v) << 33) | lane, 2);
    out[r++ * n + t] = static_cast<int>(wide >> 33);
    out[r++ * n + t] = static_cast<int>(wide & 0xFFFFFFFF);
    out[r++ * n + t] = static_cast<int>(__shfl_down_sync(full, v * 0.5, 1) * 2.0);
    out[r++ * n + t] = static_cast<int>(__ballot_sync(full, v % 3 == 0));
    out[r++ * n + t] = __any_sync(full, lane == 31);
    out[r++ * n + t] = __all_sync(full, lane < 31);
    out[r++ * n + t] = static_cast<int>(__activemask());
    // Divergent code: only the lanes named in the mask take part.
    const unsigned low = __ballot_sync(full, lane < 20);
    int d = -1;
    if (lane < 20) d = __shfl_down_sync(low, v, 4);
    out[r++ * n + t] = d;
    __syncwarp();
    // Lanes 24..31 exit; the others go on without them, and their later shuffles read nothing
    // from the exited lanes. Results are stored before the exit.
    out[r++ * n + t] = __shfl_down_sync(full, v, 8);
    out[r++ * n + t] = -1;
    out[r++ * n + t] = -1;
    if (lane >= 24) return;
    out[(r - 2) * n + t] = __shfl_down_sync(full, v, 4);
    out[(r - 1) * n + t] = static_cast<int>(__ballot_sync(full, 1));
}

#ifdef EMU_EXPORT_KERNEL
EMU_EXPORT_KERNEL(warp_ops, (int* out), (out))
#endif
