// Self-test driver for the CUDA emulator. It loads an emulator library with dlopen, as Java's
// FFM does, calls the exported emu_launch_* entry points, and checks every result against a plain
// C++ reference.
//
// usage: driver LIB all          every functional test
//        driver LIB TEST...      the named tests (see kTests)
//        driver LIB bench        timings
//        driver LIB oob_global   planted out-of-bounds reads: the ASan build must abort with a report
//        driver LIB oob_shared
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "../emu_abi.h"

namespace {

void* g_lib;
std::atomic<int> g_checks{0}, g_failures{0};  // test_concurrent_callers checks from two threads

bool expect(bool ok, const char* fmt, ...) {
    ++g_checks;
    if (!ok) {
        ++g_failures;
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "FAIL: ");
        vfprintf(stderr, fmt, ap);
        fprintf(stderr, "\n");
        va_end(ap);
    }
    return ok;
}

const char* last_error() {
    static auto fn = reinterpret_cast<const char* (*)()>(dlsym(g_lib, "emu_last_error"));
    return fn();
}

bool launched(int rc, const char* what) { return expect(rc == EMU_OK, "%s: launch returned %d: %s", what, rc, last_error()); }

struct Dim {
    unsigned x = 1, y = 1, z = 1;
};

// A kernel's C entry point, emu_launch_<name>(grid, block, shmem, params...).
template <class... P>
class Kernel {
public:
    explicit Kernel(const char* name) : name_(name) {
        const std::string sym = std::string("emu_launch_") + name;
        fn_ = reinterpret_cast<Fn>(dlsym(g_lib, sym.c_str()));
        if (fn_ == nullptr) {
            fprintf(stderr, "the library exports no %s\n", sym.c_str());
            exit(2);
        }
    }
    int operator()(Dim g, Dim b, unsigned long shmem, P... args) const { return fn_(g.x, g.y, g.z, b.x, b.y, b.z, shmem, args...); }
    const char* name() const { return name_; }

private:
    using Fn = int (*)(unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned long, P...);
    const char* name_;
    Fn fn_;
};

void set_workers(int n) { setenv("EMU_WORKERS", std::to_string(n).c_str(), 1); }

uint64_t splitmix(uint64_t& s) {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

std::vector<float> random_floats(size_t n, uint64_t seed) {
    std::vector<float> v(n);
    for (float& x : v) x = static_cast<float>(static_cast<int64_t>(splitmix(seed) >> 40) - (1 << 23)) / (1 << 23);  // [-1, 1)
    return v;
}

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Best wall time of `runs` calls, in ms.
double best_ms(int runs, const std::function<void()>& f) {
    double best = 1e300;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        best = std::min(best, ms_since(t0));
    }
    return best;
}

// ---------------------------------------------------------------------------------------------

void test_config() {
    Kernel<int*> k("sync_variants");
    std::vector<int> out(5 * 1024);
    struct Case {
        Dim grid, block;
        unsigned long shmem;
        const char* message;
    };
    const Case cases[] = {
        {{1}, {1025}, 0, "1025 threads, the limit is 1024"},
        {{1}, {32, 32, 2}, 0, "2048 threads"},
        {{1}, {1, 1, 65}, 0, "z <= 64"},
        {{1}, {32, 0, 1}, 0, "each dimension must be >= 1"},
        {{0}, {32}, 0, "invalid grid (0,1,1)"},
        {{1, 65536}, {32}, 0, "invalid grid (1,65536,1)"},
        {{1}, {32}, EMU_MAX_DYN_SHMEM + 1, "exceeds the limit of 232448"},
    };
    for (const Case& c : cases) {
        const int rc = k(c.grid, c.block, c.shmem, out.data());
        expect(rc == EMU_ERR_CONFIG && strstr(last_error(), c.message) != nullptr, "config: got %d '%s', wanted '%s'", rc,
               last_error(), c.message);
    }
    launched(k({1}, {32}, EMU_MAX_DYN_SHMEM, out.data()), "config: the largest dynamic shared memory");
    setenv("EMU_STACK_KB", "32", 1);
    launched(k({1}, {1024}, 0, out.data()), "config: EMU_STACK_KB=32");
    setenv("EMU_STACK_KB", "8", 1);
    int rc = k({1}, {32}, 0, out.data());
    expect(rc == EMU_ERR_CONFIG && strstr(last_error(), "EMU_STACK_KB='8'") != nullptr, "config: EMU_STACK_KB=8 gave %d '%s'", rc,
           last_error());
    unsetenv("EMU_STACK_KB");
    setenv("EMU_WORKERS", "0", 1);
    rc = k({1}, {32}, 0, out.data());
    expect(rc == EMU_ERR_CONFIG && strstr(last_error(), "EMU_WORKERS='0'") != nullptr, "config: EMU_WORKERS=0 gave %d '%s'", rc,
           last_error());
    set_workers(1);
}

// Returns max |C - reference|.
double sgemm_error(const std::vector<float>& C, const std::vector<double>& ref) {
    double err = 0;
    for (size_t i = 0; i < C.size(); ++i) err = std::max(err, std::fabs(C[i] - ref[i]));
    return err;
}

void test_sgemm(int workers) {
    const int M = 100, N = 70, K = 130;
    const std::vector<float> A = random_floats(M * K, 1), B = random_floats(K * N, 2);
    std::vector<double> ref(M * N, 0.0);
    for (int i = 0; i < M; ++i)
        for (int j = 0; j < N; ++j)
            for (int k = 0; k < K; ++k) ref[i * N + j] += static_cast<double>(A[i * K + k]) * B[k * N + j];

    Kernel<const float*, const float*, float*, int, int, int> good("sgemm_tiled"), bad("sgemm_tiled_nosync");
    const Dim grid{(N + 31) / 32, (M + 31) / 32}, block{32, 32};
    std::vector<float> c1(M * N), c2(M * N), b1(M * N), b2(M * N);
    launched(good(grid, block, 0, A.data(), B.data(), c1.data(), M, N, K), "sgemm");
    launched(good(grid, block, 0, A.data(), B.data(), c2.data(), M, N, K), "sgemm");
    expect(sgemm_error(c1, ref) < 1e-4, "sgemm (%d workers): max error %g", workers, sgemm_error(c1, ref));
    // Each element is one thread's fixed chain of fmaf, whatever the schedule.
    expect(c1 == c2, "sgemm (%d workers): two runs differ", workers);

    launched(bad(grid, block, 0, A.data(), B.data(), b1.data(), M, N, K), "sgemm_nosync");
    launched(bad(grid, block, 0, A.data(), B.data(), b2.data(), M, N, K), "sgemm_nosync");
    expect(sgemm_error(b1, ref) > 0.1, "sgemm without the second barrier (%d workers): max error only %g", workers,
           sgemm_error(b1, ref));
    expect(b1 == b2, "sgemm without the second barrier (%d workers): the wrong result is not reproducible", workers);
}

int ordered_int(float f) {
    int i;
    memcpy(&i, &f, 4);
    return i >= 0 ? i : i ^ 0x7FFFFFFF;
}

void test_reduce(int workers) {
    const int n = 200003;
    const std::vector<float> x = random_floats(n, 3);
    double ref = 0, ref_abs = 0;
    float ref_max = -INFINITY;
    unsigned ref_pos = 0;
    for (float v : x) {
        ref += v;
        ref_abs += std::fabs(v);
        ref_max = std::max(ref_max, v);
        ref_pos += v > 0;
    }
    Kernel<const float*, int, float*, int*, float*, unsigned*, unsigned*> k("block_reduce");
    const int threads = 256;
    float first_sum = 0;
    for (int run = 0; run < 2; ++run) {
        float sum = 0, max_cas = -INFINITY;
        int max_ordered = INT_MIN;
        unsigned pos_ballot = 0, pos_sync = 0;
        launched(k({64}, {threads}, 3 * (threads / 32) * sizeof(float), x.data(), n, &sum, &max_ordered, &max_cas, &pos_ballot,
                   &pos_sync),
                 "block_reduce");
        expect(std::fabs(sum - ref) <= 1e-5 * ref_abs, "reduce (%d workers): sum %.6f, reference %.6f", workers, sum, ref);
        expect(max_ordered == ordered_int(ref_max), "reduce (%d workers): atomicMax max differs", workers);
        expect(max_cas == ref_max, "reduce (%d workers): CAS max %g, reference %g", workers, max_cas, ref_max);
        expect(pos_ballot == ref_pos && pos_sync == ref_pos, "reduce (%d workers): positives %u (ballot) %u (syncthreads_count), reference %u",
               workers, pos_ballot, pos_sync, ref_pos);
        if (run == 0) first_sum = sum;
        // One worker runs the float atomicAdds in the same order every time.
        if (run == 1 && workers == 1) expect(memcmp(&sum, &first_sum, 4) == 0, "reduce: the float sum is not bit-reproducible");
    }
}

void test_radix(int workers) {
    const int n = 300007, kth = 1000;
    std::vector<unsigned> keys(n);
    uint64_t seed = 4;
    for (unsigned& k : keys) k = static_cast<unsigned>(splitmix(seed));
    Kernel<const unsigned*, int, unsigned, unsigned, int, unsigned*> k("radix_hist");
    unsigned prefix = 0, mask = 0, rank = kth;  // looking for the rank-th largest key with this prefix
    for (int shift = 24; shift >= 0; shift -= 8) {
        std::vector<unsigned> hist(256, 0), ref(256, 0);
        for (unsigned key : keys)
            if ((key & mask) == prefix) ++ref[(key >> shift) & 0xFF];
        launched(k({40}, {256}, 0, keys.data(), n, prefix, mask, shift, hist.data()), "radix_hist");
        expect(hist == ref, "radix (%d workers): histogram of the pass at shift %d differs", workers, shift);
        int digit = 255;
        for (; digit > 0 && rank > hist[digit]; --digit) rank -= hist[digit];
        prefix |= static_cast<unsigned>(digit) << shift;
        mask |= 0xFFu << shift;
    }
    std::nth_element(keys.begin(), keys.begin() + kth - 1, keys.end(), std::greater<unsigned>());
    expect(prefix == keys[kth - 1], "radix (%d workers): selected %08x, nth_element %08x", workers, prefix, keys[kth - 1]);
}

// The warp intrinsics as the CUDA programming guide defines them, for thread t of a block of n.
std::vector<int> warp_ops_reference(int n) {
    const int results = 22;
    std::vector<int> out(results * n);
    for (int t = 0; t < n; ++t) {
        const int base = t & ~31, lane = t & 31, lanes = std::min(32, n - base);
        auto v = [&](int l) { return (base + l) * 7 + 1; };
        auto read = [&](int src, int own) { return src >= 0 && src < lanes ? v(src) : v(own); };
        auto idx = [&](int src, int w) { return read(lane / w * w + (src & (w - 1)), lane); };
        auto up = [&](int d, int w) { return lane % w >= d ? read(lane - d, lane) : v(lane); };
        auto down = [&](int d, int w) { return lane % w + d < w ? read(lane + d, lane) : v(lane); };
        // A later segment is out of reach, an earlier one is not.
        auto bfly = [&](int m, int w) { return (lane ^ m) < (lane / w + 1) * w ? read(lane ^ m, lane) : v(lane); };
        auto present = [&](int l) { return l < lanes; };
        unsigned ballot3 = 0, live = 0;
        for (int l = 0; l < lanes; ++l) {
            ballot3 |= static_cast<unsigned>(v(l) % 3 == 0) << l;
            live |= 1u << l;
        }
        const int xor2_src = present(lane ^ 2) ? lane ^ 2 : lane;
        const int r[results] = {
            idx((lane * 5 + 3) & 31, 32),
            idx(lane + 3, 8),
            idx(-1, 16),
            up(3, 32),
            up(3, 8),
            down(5, 32),
            down(5, 16),
            bfly(1, 32),
            bfly(16, 32),
            bfly(8, 8),
            bfly(3, 4),
            v(xor2_src),
            xor2_src,
            down(1, 32),
            static_cast<int>(ballot3),
            present(31),
            !present(31),
            static_cast<int>(live),
            lane < 20 ? (lane + 4 < std::min(20, lanes) ? v(lane + 4) : v(lane)) : -1,
            down(8, 32),
            lane < 24 ? (lane + 4 < std::min(24, lanes) ? v(lane + 4) : v(lane)) : -1,
            lane < 24 ? static_cast<int>(live & 0x00FFFFFFu) : -1,
        };
        for (int i = 0; i < results; ++i) out[i * n + t] = r[i];
    }
    return out;
}

void test_warp_ops() {
    Kernel<int*> k("warp_ops");
    for (int n : {64, 48, 7}) {
        const std::vector<int> ref = warp_ops_reference(n);
        std::vector<int> out(ref.size(), 12345);
        launched(k({1}, {static_cast<unsigned>(n)}, 0, out.data()), "warp_ops");
        for (size_t i = 0; i < out.size(); ++i) {
            if (!expect(out[i] == ref[i], "warp_ops (block of %d): result %zu of thread %zu is %d, expected %d", n, i / n, i % n,
                        out[i], ref[i]))
                break;
        }
    }
}

void test_barriers() {
    Kernel<int*> variants("sync_variants"), deadlock("deadlock");
    Kernel<const int*, int, int*> early("early_exit");
    for (int n : {100, 1024}) {
        std::vector<int> out(5 * n);
        launched(variants({2}, {static_cast<unsigned>(n)}, 0, out.data()), "sync_variants");
        const int want[5] = {(n + 2) / 3, n <= 1000, 0, 1, 0};
        for (int r = 0; r < 5; ++r)
            for (int t = 0; t < n; ++t)
                if (!expect(out[r * n + t] == want[r], "__syncthreads variant %d (block of %d): thread %d got %d, expected %d", r, n,
                            t, out[r * n + t], want[r]))
                    t = n;
    }

    std::vector<int> in(64), out(64, -7);
    for (int i = 0; i < 64; ++i) in[i] = 1000 + i;
    launched(early({1}, {64}, 0, in.data(), 50, out.data()), "early_exit");
    bool ok = true;
    for (int t = 0; t < 50; ++t) ok &= out[t] == in[(t + 1) % 50];
    expect(ok && out[50] == -7, "early_exit: threads that passed the barrier read wrong values");

    setenv("EMU_STRICT", "1", 1);
    int rc = early({1}, {64}, 0, in.data(), 50, out.data());
    unsetenv("EMU_STRICT");
    expect(rc == EMU_ERR_STRICT && strstr(last_error(), "thread (50,0,0) exited while 50 threads wait at __syncthreads") != nullptr,
           "EMU_STRICT=1: got %d '%s'", rc, last_error());

    rc = deadlock({3}, {64}, 0, out.data());
    expect(rc == EMU_ERR_DEADLOCK && strstr(last_error(), "deadlock in block (0,0,0): thread (0,0,0) waits at __syncthreads") &&
               strstr(last_error(), "thread (1,0,0) waits at a warp op for lanes 0x00000001"),
           "deadlock: got %d '%s'", rc, last_error());

    // The abandoned fibers must not disturb later launches.
    std::vector<int> again(5 * 100);
    launched(variants({1}, {100}, 0, again.data()), "sync_variants after a deadlock");
    expect(again[0] == 34, "sync_variants after a deadlock: count %d", again[0]);
}

void test_extern_shared() {
    Kernel<unsigned*, int*> k("dyn_shared");
    const int n = 64, blocks = 2;
    for (int run = 0; run < 2; ++run) {
        std::vector<unsigned> out(blocks * 2 * n, 0);
        std::vector<int> aligned(blocks, 0);
        launched(k({blocks}, {n}, n * 16, out.data(), aligned.data()), "dyn_shared");
        for (int b = 0; b < blocks; ++b) {
            expect(aligned[b] == 1, "dyn_shared: block %d's buffer is not 16-byte aligned", b);
            for (int t = 0; t < n; ++t) {
                const unsigned fresh = out[b * 2 * n + t], neighbour = out[b * 2 * n + n + t];
                const unsigned want = 4 * ((t + 1) % n) + 2;
                if (!expect(fresh == 0xFFFFFFFFu && neighbour == want,
                            "dyn_shared (run %d, block %d, thread %d): fresh %08x, neighbour %u (expected %u)", run, b, t, fresh,
                            neighbour, want))
                    break;
            }
        }
    }
}

void test_builtins(int workers) {
    Kernel<unsigned*> k("builtins");
    const Dim grid{2, 3, 2}, block{4, 2, 3};
    const unsigned per_block = block.x * block.y * block.z, blocks = grid.x * grid.y * grid.z;
    std::vector<unsigned> out(12 * per_block * blocks, ~0u);
    launched(k(grid, block, 0, out.data()), "builtins");
    for (unsigned b = 0; b < blocks; ++b) {
        for (unsigned t = 0; t < per_block; ++t) {
            const unsigned want[12] = {t % block.x, t / block.x % block.y, t / (block.x * block.y),
                                       b % grid.x,  b / grid.x % grid.y,  b / (grid.x * grid.y),
                                       block.x,     block.y,              block.z,
                                       grid.x,      grid.y,               grid.z};
            if (!expect(memcmp(&out[12 * (b * per_block + t)], want, sizeof want) == 0,
                        "builtins (%d workers): wrong values for thread %u of block %u", workers, t, b))
                return;
        }
    }
}

// Two host threads launch at the same time; launches are serialised, and each caller's own
// thread runs its blocks.
void test_concurrent_callers(int workers) {
    std::thread other([workers] { test_sgemm(workers); });
    test_sgemm(workers);
    other.join();
}

unsigned long long mul64hi_reference(unsigned long long a, unsigned long long b) {
    // Schoolbook with 32-bit halves.
    const unsigned long long al = a & 0xFFFFFFFF, ah = a >> 32, bl = b & 0xFFFFFFFF, bh = b >> 32;
    const unsigned long long ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    const unsigned long long mid = (ll >> 32) + (lh & 0xFFFFFFFF) + (hl & 0xFFFFFFFF);
    return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

void test_intrinsics() {
    std::vector<unsigned> in = {0u, 1u, 0x80000000u, 0xFFFFFFFFu, 0x7FFFFFFFu, 0x00010000u, 0x7FC00001u};
    uint64_t seed = 5;
    while (in.size() < 1000) in.push_back(static_cast<unsigned>(splitmix(seed) >> (splitmix(seed) % 32)));
    const int n = static_cast<int>(in.size()), results = 12;
    std::vector<unsigned> out(results * n);
    Kernel<const unsigned*, int, unsigned*> k("bit_ops");
    launched(k({static_cast<unsigned>(n + 127) / 128}, {128}, 0, in.data(), n, out.data()), "bit_ops");
    for (int i = 0; i < n; ++i) {
        const unsigned x = in[i], y = in[(i + 1) % n];
        const unsigned long long xy = (static_cast<unsigned long long>(x) << 32) | y;
        unsigned popc = 0, popcll = 0, brev = 0;
        int clz = 32, ffs = 0;
        for (int b = 0; b < 32; ++b) {
            popc += x >> b & 1;
            brev |= (x >> b & 1) << (31 - b);
            if (x >> b & 1) clz = 31 - b;
            if (ffs == 0 && (x >> b & 1)) ffs = b + 1;
        }
        for (int b = 0; b < 64; ++b) popcll += xy >> b & 1;
        const unsigned want[results] = {
            popc,
            popcll,
            static_cast<unsigned>(clz),
            static_cast<unsigned>(ffs),
            brev,
            static_cast<unsigned>((static_cast<unsigned long long>(x) * y) >> 32),
            static_cast<unsigned>((static_cast<long long>(static_cast<int>(x)) * static_cast<int>(y)) >> 32),
            static_cast<unsigned>(mul64hi_reference(xy, xy ^ 0x9E3779B97F4A7C15ull) >> 7),
            x,
            static_cast<unsigned>(xy >> 16),
            static_cast<unsigned>(std::min(static_cast<int>(x), static_cast<int>(y))),
            std::max(x, y),
        };
        for (int r = 0; r < results; ++r)
            if (!expect(out[r * n + i] == want[r], "bit_ops: result %d for %08x, %08x is %08x, expected %08x", r, x, y, out[r * n + i],
                        want[r]))
                i = n;
    }
}

void test_atomics(int workers) {
    Kernel<int*, unsigned*, unsigned long long*, float*, double*, long long*> k("atomics");
    const int blocks = 9, threads = 113, T = blocks * threads;
    int i[6] = {0, 0, INT_MIN, INT_MAX, -1, 0};
    unsigned u[7] = {0, 0, UINT_MAX, 0, UINT_MAX, 0, UINT_MAX};
    unsigned long long ull[2] = {0, 0};
    float f[2] = {0.0f, 0.0f};
    double d = 0;
    long long exch_sum[2] = {0, 0};
    launched(k({blocks}, {threads}, 0, i, u, ull, f, &d, exch_sum), "atomics");
    unsigned xor_all = 0;
    for (int t = 0; t < T; ++t) xor_all ^= static_cast<unsigned>(t);
    const long long tri = 1ll * T * (T - 1) / 2;
    expect(i[0] == T && i[1] == -2 * T && i[2] == T - 1 && i[3] == -(T - 1) && i[5] == T,
           "atomics (%d workers): int add/sub/max/min/CAS %d %d %d %d %d", workers, i[0], i[1], i[2], i[3], i[5]);
    expect(exch_sum[0] + i[4] == tri - 1, "atomics (%d workers): int atomicExch lost a value", workers);
    expect(u[0] == 3u * T && u[1] == 7u * (T - 1) && u[2] == 5u && u[3] == UINT_MAX && u[4] == 0 && u[5] == xor_all,
           "atomics (%d workers): unsigned add/max/min/or/and/xor %u %u %u %08x %08x %u", workers, u[0], u[1], u[2], u[3], u[4], u[5]);
    expect(static_cast<unsigned long long>(exch_sum[1]) + u[6] == static_cast<unsigned long long>(tri) + UINT_MAX,
           "atomics (%d workers): unsigned atomicExch lost a value", workers);
    expect(ull[0] == static_cast<unsigned long long>(T) << 33 && ull[1] == 3ull * T, "atomics (%d workers): 64-bit add/CAS %llx %llu",
           workers, ull[0], ull[1]);
    expect(f[0] == 0.5f * T && f[1] == static_cast<float>(T - 1) && d == 0.25 * T, "atomics (%d workers): float/double %g %g %g",
           workers, f[0], f[1], d);
}

// Tests that use several blocks run with 1 and with 2 workers.
struct Test {
    const char* name;
    void (*run)(int workers);
    bool two_worker_counts;
};
const Test kTests[] = {
    {"config", [](int) { test_config(); }, false},
    {"warp_ops", [](int) { test_warp_ops(); }, false},
    {"barriers", [](int) { test_barriers(); }, false},
    {"extern_shared", [](int) { test_extern_shared(); }, false},
    {"intrinsics", [](int) { test_intrinsics(); }, false},
    {"sgemm", test_sgemm, true},
    {"reduce", test_reduce, true},
    {"radix", test_radix, true},
    {"atomics", test_atomics, true},
    {"builtins", test_builtins, true},
    {"concurrent_callers", test_concurrent_callers, true},
};

int run_tests(const std::vector<std::string>& names) {
    for (const std::string& name : names) {
        const Test* test = nullptr;
        for (const Test& t : kTests)
            if (name == t.name) test = &t;
        if (test == nullptr) {
            fprintf(stderr, "unknown test %s\n", name.c_str());
            return 2;
        }
        for (int workers = 1; workers <= (test->two_worker_counts ? 2 : 1); ++workers) {
            set_workers(workers);
            test->run(workers);
        }
    }
    set_workers(1);
    printf("%d checks, %d failed\n", g_checks.load(), g_failures.load());
    return g_failures == 0 ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------

int run_bench() {
    Kernel<int> sync_loop("sync_loop");
    Kernel<int, int*> shfl_loop("shfl_loop");
    Kernel<> empty("empty_kernel");
    Kernel<const float*, const float*, float*, int, int, int> sgemm("sgemm_tiled");
    Kernel<const float*, int, float*, int*, float*, unsigned*, unsigned*> reduce("block_reduce");
    Kernel<const unsigned*, int, unsigned, unsigned, int, unsigned*> radix("radix_hist");

    const int iters = 200;
    std::vector<int> out(1024);
    const std::vector<float> a = random_floats(256 * 256, 6), b = random_floats(256 * 256, 7);
    std::vector<float> c(256 * 256);
    const int n = 1 << 20;
    const std::vector<float> x = random_floats(n, 8);
    std::vector<unsigned> keys(n), hist(256);
    for (int i = 0; i < n; ++i) memcpy(&keys[i], &x[i], 4);

    printf("%-44s %12s %12s\n", "", "1 worker", "2 workers");
    auto row = [&](const char* what, int runs, double scale, const std::function<void()>& f) {
        double t[2];
        for (int w = 0; w < 2; ++w) {
            set_workers(w + 1);
            f();  // warm-up: maps the fiber stacks
            t[w] = best_ms(runs, f) * scale;
        }
        printf("%-44s %12.3f %12.3f\n", what, t[0], t[1]);
    };
    row("__syncthreads, ns per thread (1 x 1024)", 5, 1e6 / (1024.0 * iters), [&] { sync_loop({1}, {1024}, 0, iters); });
    row("__syncthreads, ns per thread (8 x 256)", 5, 1e6 / (8 * 256.0 * iters), [&] { sync_loop({8}, {256}, 0, iters); });
    row("__shfl_xor_sync, ns per thread (1 x 1024)", 5, 1e6 / (1024.0 * iters), [&] { shfl_loop({1}, {1024}, 0, iters, out.data()); });
    row("empty launch 4 x 256, ms", 20, 1, [&] { empty({4}, {256}, 0); });
    row("SGEMM 100x70x130 (12 blocks of 1024), ms", 5, 1, [&] { sgemm({3, 4}, {32, 32}, 0, a.data(), b.data(), c.data(), 100, 70, 130); });
    row("SGEMM 256x256x256 (64 blocks of 1024), ms", 3, 1, [&] { sgemm({8, 8}, {32, 32}, 0, a.data(), b.data(), c.data(), 256, 256, 256); });
    row("reduce 2^20 (64 blocks of 256), ms", 3, 1, [&] {
        float s = 0, m = -INFINITY;
        int mo = INT_MIN;
        unsigned p1 = 0, p2 = 0;
        reduce({64}, {256}, 3 * 8 * sizeof(float), x.data(), n, &s, &mo, &m, &p1, &p2);
    });
    row("radix pass 2^20 keys (40 blocks of 256), ms", 5, 1, [&] { radix({40}, {256}, 0, keys.data(), n, 0, 0, 24, hist.data()); });
    return 0;
}

int run_oob(const char* which) {
    std::vector<float> out(128);
    if (strcmp(which, "oob_global") == 0) {
        const int n = 100;
        float* x = static_cast<float*>(malloc(n * sizeof(float)));
        for (int i = 0; i < n; ++i) x[i] = static_cast<float>(i);
        Kernel<const float*, int, float*> k("oob_global");
        k({1}, {128}, 0, x, n, out.data());
        free(x);
    } else {
        Kernel<float*> k("oob_shared");
        k({1}, {64}, 0, out.data());
    }
    printf("%s: no error was reported\n", which);
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s LIB all|bench|oob_global|oob_shared|TEST...\n", argv[0]);
        return 2;
    }
    g_lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (g_lib == nullptr) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 2;
    }
    const std::string mode = argv[2];
    if (mode == "bench") return run_bench();
    if (mode == "oob_global" || mode == "oob_shared") return run_oob(argv[2]);
    std::vector<std::string> names(argv + 2, argv + argc);
    if (mode == "all") {
        names.clear();
        for (const Test& t : kTests) names.push_back(t.name);
    }
    return run_tests(names);
}
