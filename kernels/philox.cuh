// Philox4x32-10 on the device, the same function as java/src/main/java/dev/topiary/backend/Philox.java, so every
// backend draws the same numbers from (seed, stream, index).
//
// Key = the two 32-bit halves of seed; counter = (block low, block high, stream low, stream high). Element i of a
// stream is word i mod 4 of block i / 4; a normal at index i uses words 0 and 1 of block i (one block per normal).
// Conversions, exactly as Philox.java defines them:
//   uniform       (word >> 8) * 2^-24                 in [0, 1), exact in float
//   open uniform  ((word >> 8) + 0.5) * 2^-24         in (0, 1), a double (25 significant bits)
//   below         (word * bound) >> 32                in [0, bound) (multiply-shift)
//   normal        sqrt(-2 ln u1) * cos(2 pi u2)       u1 open uniform of word 0, u2 uniform of word 1, in double
// Float results built from these must round once from double (see random.cu); the double helpers below keep nvcc
// from contracting a*b+c into an FMA, which would change the last bit.
#pragma once

static __device__ __forceinline__ uint4 philox_block(unsigned long long seed, unsigned long long stream,
                                                     unsigned long long block) {
    unsigned c0 = (unsigned)block, c1 = (unsigned)(block >> 32);
    unsigned c2 = (unsigned)stream, c3 = (unsigned)(stream >> 32);
    unsigned k0 = (unsigned)seed, k1 = (unsigned)(seed >> 32);
    for (int round = 0; round < 10; ++round) {
        const unsigned hi0 = __umulhi(0xD2511F53u, c0), lo0 = 0xD2511F53u * c0;
        const unsigned hi1 = __umulhi(0xCD9E8D57u, c2), lo1 = 0xCD9E8D57u * c2;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    return make_uint4(c0, c1, c2, c3);
}

/** The word at flat index {@code index} of (seed, stream). Prefer philox_block when a thread needs all four. */
static __device__ __forceinline__ unsigned philox_word(unsigned long long seed, unsigned long long stream,
                                                       unsigned long long index) {
    const uint4 b = philox_block(seed, stream, index >> 2);
    const unsigned w = (unsigned)(index & 3);
    return w == 0 ? b.x : w == 1 ? b.y : w == 2 ? b.z : b.w;
}

static __device__ __forceinline__ float philox_uniform(unsigned word) {
    return (float)(word >> 8) * 0x1p-24f;
}

static __device__ __forceinline__ double philox_open_uniform(unsigned word) {
    return ((double)(word >> 8) + 0.5) * 0x1p-24;
}

static __device__ __forceinline__ unsigned philox_below(unsigned word, unsigned bound) {
    return __umulhi(word, bound);
}

/** a*b rounded once, never fused with a following addition. */
static __device__ __forceinline__ double philox_dmul(double a, double b) {
#if defined(__CUDA_ARCH__)
    return __dmul_rn(a, b);
#else
    return a * b;
#endif
}

static __device__ __forceinline__ double philox_dadd(double a, double b) {
#if defined(__CUDA_ARCH__)
    return __dadd_rn(a, b);
#else
    return a + b;
#endif
}

/** Box–Muller on the first two words of a block, in double: the standard normal of Philox.boxMuller. */
static __device__ __forceinline__ double philox_box_muller(unsigned word0, unsigned word1) {
    const double u1 = philox_open_uniform(word0);
    const double u2 = (double)philox_uniform(word1);
    const double two_pi = 6.283185307179586;  // 2.0 * Math.PI, exact doubling
    return philox_dmul(sqrt(philox_dmul(-2.0, log(u1))), cos(philox_dmul(two_pi, u2)));
}

/** The standard normal at {@code index} of (seed, stream), as Philox.normal. */
static __device__ __forceinline__ double philox_normal(unsigned long long seed, unsigned long long stream,
                                                       unsigned long long index) {
    const uint4 b = philox_block(seed, stream, index);
    return philox_box_muller(b.x, b.y);
}
