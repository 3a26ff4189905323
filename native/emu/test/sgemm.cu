// Tiled SGEMM, C = A * B for row-major A (M x K) and B (K x N): 32 x 32 tiles in shared
// memory, one thread per element of C, two barriers per tile.
// sgemm_tiled<false> is the planted bug: without the second barrier, fast threads load the next
// tile while slow ones still read the current one. The emulator must give a wrong answer, and
// the same wrong answer on every run.
#define TILE 32

template <bool SecondSync>
__global__ void __launch_bounds__(TILE * TILE)
    sgemm_tiled(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C, int M, int N, int K) {
    __shared__ float As[TILE][TILE];
    __shared__ float Bs[TILE][TILE + 1];  // padded against bank conflicts
    const int tx = threadIdx.x, ty = threadIdx.y;
    const int row = blockIdx.y * TILE + ty, col = blockIdx.x * TILE + tx;
    float acc = 0.0f;
    for (int k0 = 0; k0 < K; k0 += TILE) {
        As[ty][tx] = row < M && k0 + tx < K ? A[row * K + k0 + tx] : 0.0f;
        Bs[ty][tx] = k0 + ty < K && col < N ? B[(k0 + ty) * N + col] : 0.0f;
        __syncthreads();
#pragma unroll 8
        for (int k = 0; k < TILE; ++k) acc = fmaf(As[ty][k], Bs[k][tx], acc);
        if (SecondSync) __syncthreads();
    }
    if (row < M && col < N) C[row * N + col] = acc;
}

template __global__ void sgemm_tiled<true>(const float*, const float*, float*, int, int, int);
template __global__ void sgemm_tiled<false>(const float*, const float*, float*, int, int, int);

#ifdef EMU_EXPORT_KERNEL
EMU_EXPORT_KERNEL_AS(sgemm_tiled, sgemm_tiled<true>,
                     (const float* A, const float* B, float* C, int M, int N, int K), (A, B, C, M, N, K))
EMU_EXPORT_KERNEL_AS(sgemm_tiled_nosync, sgemm_tiled<false>,
                     (const float* A, const float* B, float* C, int M, int N, int K), (A, B, C, M, N, K))
#endif
