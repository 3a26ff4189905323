// The built-in variables, integer intrinsics, bit casts, min/max overloads and every atomic the
// emulator provides.

// Every thread stores threadIdx, blockIdx, blockDim and gridDim (12 values, x y z each) at
// out[12 * (its block's linear index * threads per block + its linear index in the block)],
// reading threadIdx again after a barrier, where other threads have run in between.
extern "C" __global__ void builtins(unsigned* out) {
    const unsigned block = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
    const unsigned thread = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
    unsigned* o = out + 12 * (block * blockDim.x * blockDim.y * blockDim.z + thread);
    __syncthreads();
    const dim3 v[4] = {threadIdx, blockIdx, blockDim, gridDim};
    for (int i = 0; i < 4; ++i) {
        o[3 * i] = v[i].x;
        o[3 * i + 1] = v[i].y;
        o[3 * i + 2] = v[i].z;
    }
}

// For each input x (and its neighbour y), 12 results at out[r * n + i].
extern "C" __global__ void bit_ops(const unsigned* in, int n, unsigned* out) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const unsigned x = in[i], y = in[(i + 1) % n];
    const unsigned long long xy = (static_cast<unsigned long long>(x) << 32) | y;
    int r = 0;
    out[r++ * n + i] = __popc(x);
    out[r++ * n + i] = __popcll(xy);
    out[r++ * n + i] = __clz(static_cast<int>(x));
    out[r++ * n + i] = __ffs(static_cast<int>(x));
    out[r++ * n + i] = __brev(x);
    out[r++ * n + i] = __umulhi(x, y);
    out[r++ * n + i] = static_cast<unsigned>(__mulhi(static_cast<int>(x), static_cast<int>(y)));
    out[r++ * n + i] = static_cast<unsigned>(__umul64hi(xy, xy ^ 0x9E3779B97F4A7C15ull) >> 7);
    out[r++ * n + i] = __float_as_uint(__uint_as_float(x));
    out[r++ * n + i] = static_cast<unsigned>(__double_as_longlong(__longlong_as_double(static_cast<long long>(xy))) >> 16);
    out[r++ * n + i] = min(static_cast<int>(x), static_cast<int>(y));
    out[r++ * n + i] = max(x, y);
}

// Every thread updates the same few words; the driver checks the totals. ints: 0 add, 1 sub,
// 2 max, 3 min, 4 exch, 5 CAS increment. uints: 0 add, 1 max, 2 min, 3 or, 4 and, 5 xor, 6 exch.
// ulls: 0 add, 1 CAS increment. exch_sum collects what atomicExch returned.
extern "C" __global__ void atomics(int* i, unsigned* u, unsigned long long* ull, float* f, double* d,
                                   long long* exch_sum) {
    const int t = blockIdx.x * blockDim.x + threadIdx.x;
    atomicAdd(&i[0], 1);
    atomicSub(&i[1], 2);
    atomicMax(&i[2], t);
    atomicMin(&i[3], -t);
    const int old_i = atomicExch(&i[4], t);
    int seen = i[5], prev;
    while ((prev = atomicCAS(&i[5], seen, seen + 1)) != seen) seen = prev;
    atomicAdd(&u[0], 3u);
    atomicMax(&u[1], static_cast<unsigned>(t) * 7u);
    atomicMin(&u[2], static_cast<unsigned>(t) + 5u);
    atomicOr(&u[3], 1u << (t & 31));
    atomicAnd(&u[4], ~(1u << (t & 31)));
    atomicXor(&u[5], static_cast<unsigned>(t));
    const unsigned old_u = atomicExch(&u[6], static_cast<unsigned>(t));
    atomicAdd(&ull[0], 1ull << 33);
    unsigned long long seen_l = ull[1], prev_l;
    while ((prev_l = atomicCAS(&ull[1], seen_l, seen_l + 3)) != seen_l) seen_l = prev_l;
    atomicAdd(&f[0], 0.5f);
    atomicMax(reinterpret_cast<int*>(&f[1]), __float_as_int(static_cast<float>(t)));
    atomicAdd(&d[0], 0.25);
    atomicAdd(reinterpret_cast<unsigned long long*>(&exch_sum[0]), static_cast<unsigned long long>(old_i));
    atomicAdd(reinterpret_cast<unsigned long long*>(&exch_sum[1]), static_cast<unsigned long long>(old_u));
}

#ifdef EMU_EXPORT_KERNEL
EMU_EXPORT_KERNEL(builtins, (unsigned* out), (out))
EMU_EXPORT_KERNEL(bit_ops, (const unsigned* in, int n, unsigned* out), (in, n, out))
EMU_EXPORT_KERNEL(atomics, (int* i, unsigned* u, unsigned long long* ull, float* f, double* d, long long* exch_sum),
                  (i, u, ull, f, d, exch_sum))
#endif
