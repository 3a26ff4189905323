// Dynamic shared memory: the EMU_DYN_SHARED rewrite with an alignment attribute, a second
// declaration in a device function (the same buffer, viewed as another type), and the 0xFF
// poisoning of every block's fresh shared memory.

// Two views of the same dynamic shared memory.
static __device__ float* scratch_floats() {
    extern __shared__ float scratch[];
    return scratch;
}

// Launch with blockDim.x * 16 bytes. out[t] = the bits a thread finds before anyone wrote,
// out[n + t] = the neighbour's value written through the float4 view and read as floats,
// aligned[blockIdx.x] = whether the buffer is 16-byte aligned.
extern "C" __global__ void dyn_shared(unsigned* out, int* aligned) {
    extern __shared__ __align__(16) float4 vec[];
    const int t = threadIdx.x, n = blockDim.x;
    out[blockIdx.x * 2 * n + t] = __float_as_uint(scratch_floats()[4 * t + 1]);
    __syncthreads();
    vec[t] = make_float4(t, t + 0.25f, t + 0.5f, t + 0.75f);
    __syncthreads();
    out[blockIdx.x * 2 * n + n + t] = static_cast<unsigned>(scratch_floats()[4 * ((t + 1) % n) + 2] * 4.0f);
    if (t == 0) aligned[blockIdx.x] = (reinterpret_cast<unsigned long long>(vec) & 15) == 0;
}

#ifdef EMU_EXPORT_KERNEL
EMU_EXPORT_KERNEL(dyn_shared, (unsigned* out, int* aligned), (out, aligned))
#endif
