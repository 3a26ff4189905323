// emu::launch's runtime part: checks the configuration, then spreads the blocks over worker
// threads. One launch runs at a time in the process.
#include <cstring>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "emu_block.h"

namespace emu::detail {
namespace {

constexpr long kMaxWorkers = 256;

std::mutex g_launch_mutex;
std::string g_last_error;           // guarded by g_launch_mutex
StackPool g_stacks[kMaxWorkers];    // one per worker, kept between launches

// Unmaps the stacks when the library is unloaded (an FFM arena closing) or the process exits,
// unless a launch is still running on another thread: its fibers live on them.
struct ReleaseStacks {
    ~ReleaseStacks() {
        if (!g_launch_mutex.try_lock()) return;
        for (StackPool& p : g_stacks) p.release();
        g_launch_mutex.unlock();
    }
} g_release_stacks;

#ifdef EMU_ASAN_FIBERS
constexpr long kDefaultStackKb = 256;  // ASan frames with redzones are several times larger
#else
constexpr long kDefaultStackKb = 64;
#endif

// Reads an integer variable in [lo, hi]; false (with a message) if it is set to anything else.
bool env_int(const char* name, long lo, long hi, long fallback, long& value, std::string& error) {
    const char* s = getenv(name);
    value = fallback;
    if (s == nullptr || *s == '\0') return true;
    char* end = nullptr;
    value = strtol(s, &end, 10);
    if (*end == '\0' && value >= lo && value <= hi) return true;
    error = std::string(name) + "='" + s + "' is not an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    return false;
}

// Read at every launch, so that a test can change them between launches.
bool read_options(Options& o, std::string& error) {
    long workers, strict, stack_kb;
    if (!env_int("EMU_WORKERS", 1, kMaxWorkers, 1, workers, error) || !env_int("EMU_STRICT", 0, 1, 0, strict, error) ||
        !env_int("EMU_STACK_KB", 16, 1 << 20, kDefaultStackKb, stack_kb, error)) {
        return false;
    }
#ifdef EMU_SHARED_STATIC
    workers = 1;  // static __shared__ variables are then shared by all worker threads
#endif
    o = Options{static_cast<int>(workers), strict != 0, static_cast<size_t>(stack_kb) * 1024};
    return true;
}

std::string dims(dim3 d) { return "(" + std::to_string(d.x) + "," + std::to_string(d.y) + "," + std::to_string(d.z) + ")"; }

// The limits of sm_90, which the GPU would reject with "invalid configuration".
bool check_config(const LaunchDesc& d, std::string& error) {
    const dim3 g = d.grid, b = d.block;
    const unsigned long long threads = 1ull * b.x * b.y * b.z;
    if (g.x == 0 || g.y == 0 || g.z == 0 || g.x > 0x7FFFFFFFu || g.y > 65535 || g.z > 65535) {
        error = "invalid grid " + dims(g) + ": each dimension must be >= 1, x <= 2^31-1, y and z <= 65535";
    } else if (threads > EMU_MAX_BLOCK_THREADS) {
        error = "invalid block " + dims(b) + ": " + std::to_string(threads) + " threads, the limit is " +
                std::to_string(EMU_MAX_BLOCK_THREADS);
    } else if (threads == 0 || b.z > 64) {
        error = "invalid block " + dims(b) + ": each dimension must be >= 1, and z <= 64";
    } else if (d.dyn_shmem > EMU_MAX_DYN_SHMEM) {
        error = "dynamic shared memory of " + std::to_string(d.dyn_shmem) + " bytes exceeds the limit of " +
                std::to_string(EMU_MAX_DYN_SHMEM);
    } else {
        return true;
    }
    return false;
}

// State shared by the workers of one launch. The first error stops them all.
struct Grid {
    const LaunchDesc& desc;
    const Options& opts;
    unsigned long long blocks;
    std::atomic<unsigned long long> next{0};
    std::atomic<bool> failed{false};
    std::mutex error_mutex;
    int status = EMU_OK;
    std::string error;

    void fail(int s, std::string&& message) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (status == EMU_OK) {
            status = s;
            error = std::move(message);
        }
        failed = true;
    }
};

// Runs blocks, taken in linear order (x fastest), until none are left or a worker failed.
void work(Grid& grid, StackPool& stacks) {
    const size_t threads = 1ull * grid.desc.block.x * grid.desc.block.y * grid.desc.block.z;
    if (!stacks.reserve(threads, grid.opts.stack_bytes)) {
        grid.fail(EMU_ERR_RESOURCE, "cannot map " + std::to_string(threads) + " fiber stacks");
        return;
    }
    // Exactly dyn_shmem bytes, so that ASan reports accesses past the end.
    void* smem = malloc(grid.desc.dyn_shmem);
    if (smem == nullptr && grid.desc.dyn_shmem > 0) {
        grid.fail(EMU_ERR_RESOURCE, "cannot allocate dynamic shared memory");
        return;
    }
    try {
        Block block(grid.desc, grid.opts, stacks, smem);
        const dim3 g = grid.desc.grid;
        std::string message;
        for (unsigned long long b; !grid.failed && (b = grid.next++) < grid.blocks;) {
            const uint3 idx{static_cast<unsigned>(b % g.x), static_cast<unsigned>(b / g.x % g.y), static_cast<unsigned>(b / g.x / g.y)};
            if (int s = block.run(idx, message); s != EMU_OK) grid.fail(s, std::move(message));
        }
    } catch (const std::bad_alloc&) {  // on a helper thread it would otherwise terminate the process
        grid.fail(EMU_ERR_RESOURCE, "out of memory");
    }
    free(smem);
}

int launch_locked(const LaunchDesc& desc, std::string& error) {
    Options opts;
    if (!read_options(opts, error) || !check_config(desc, error)) return EMU_ERR_CONFIG;
    Grid grid{desc, opts, 1ull * desc.grid.x * desc.grid.y * desc.grid.z};
    const size_t n = static_cast<size_t>(std::min<unsigned long long>(opts.workers, grid.blocks));
    // The calling thread is worker 0, so a single-worker launch creates no thread.
    // Nothing may throw past a running helper: destroying a joinable std::thread terminates.
    std::vector<std::thread> helpers;
    helpers.reserve(n - 1);
    for (size_t k = 1; k < n; ++k) {
        try {
            helpers.emplace_back(work, std::ref(grid), std::ref(g_stacks[k]));
        } catch (const std::exception&) {
            break;  // fewer workers only cost time
        }
    }
    work(grid, g_stacks[0]);
    for (std::thread& t : helpers) t.join();
    error = std::move(grid.error);
    return grid.status;
}

}  // namespace

int run_launch(const LaunchDesc& desc) {
    std::lock_guard<std::mutex> lock(g_launch_mutex);
    std::string error;
    int status;
    try {
        status = launch_locked(desc, error);
    } catch (const std::bad_alloc&) {
        status = EMU_ERR_RESOURCE;
        error = "out of memory";
    }
    if (status != EMU_OK) g_last_error = "emulated launch of grid " + dims(desc.grid) + " x block " + dims(desc.block) + ": " + error;
    return status;
}

}  // namespace emu::detail

extern "C" const char* emu_last_error(void) { return emu::detail::g_last_error.c_str(); }

namespace {
struct Registered {
    const char* name;
    const char* signature;
};
// Filled by static initialisers while the library loads, read-only afterwards.
std::vector<Registered>& kernel_registry() {
    static std::vector<Registered> r;
    return r;
}
}  // namespace

void emu::detail::register_kernel(const char* name, const char* signature) {
    kernel_registry().push_back({name, signature});
}

extern "C" int emu_kernel_count(void) { return (int)kernel_registry().size(); }

extern "C" const char* emu_kernel_name(int i) {
    return i >= 0 && i < (int)kernel_registry().size() ? kernel_registry()[i].name : nullptr;
}

extern "C" const char* emu_kernel_signature(const char* name) {
    for (const Registered& k : kernel_registry()) {
        if (strcmp(k.name, name) == 0) return k.signature;
    }
    return nullptr;
}

extern "C" void* emu_device_alloc(unsigned long bytes) { return malloc(bytes); }

extern "C" void emu_device_free(void* p) { free(p); }
