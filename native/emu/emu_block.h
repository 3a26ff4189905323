// The scheduler of one thread block: every CUDA thread is a fiber, and fibers switch only at
// barriers, warp ops and exit, round-robin in thread order. A single worker therefore runs a
// launch in the same order every time, so results (float atomics included) are bit-reproducible.
#pragma once

#include <stdint.h>

#include <string>
#include <vector>

#include "emu_cuda.h"
#include "emu_fiber.h"

namespace emu::detail {

struct Options {
    int workers;         // EMU_WORKERS: OS threads that run blocks in parallel
    bool strict;         // EMU_STRICT: a thread exiting while others wait at __syncthreads is an error
    size_t stack_bytes;  // EMU_STACK_KB: stack size of each fiber
};

class Block {
public:
    // Binds this worker thread (built-in variables, dynamic shared memory) to the launch.
    Block(const LaunchDesc& desc, const Options& opts, StackPool& stacks, void* dyn_smem);
    ~Block();
    Block(const Block&) = delete;
    Block& operator=(const Block&) = delete;

    // Runs every thread of block `idx` to completion. Returns EMU_OK, or an emu_status with
    // `message` set; the block's remaining fibers are then abandoned.
    int run(uint3 idx, std::string& message);

    // The intrinsics, for the fiber that is running.
    BarrierResult sync(int pred);
    unsigned long long shfl(unsigned mask, unsigned long long bits, Shfl mode, unsigned lane_arg, int width);
    Vote vote(unsigned mask, int pred);
    unsigned active_mask() const { return warps_[current_ >> 5].live; }

private:
    enum class State : uint8_t { Ready, AtBarrier, AtWarpOp, Exited };
    enum class WarpOp : uint8_t { Shfl, Vote };

    struct Fiber {
        Context ctx;
        uint3 tid;
        State state;
        // The pending warp op: its kind, member mask (own lane included), operand, the lane a
        // shuffle reads (its own lane when the source is outside its segment), and the result.
        WarpOp op;
        int src_lane;
        unsigned mask;
        unsigned long long in;
        unsigned long long out;
    };
    struct Warp {
        unsigned live;     // lanes that exist and have not exited
        unsigned waiting;  // lanes waiting at a warp op
    };

    static void fiber_main();
    unsigned long long warp_op(WarpOp op, unsigned mask, unsigned long long in, int src_lane);
    unsigned group_of(const Warp& w, int base, unsigned mask) const;
    void complete_group(Warp& w, int base, unsigned group);
    void release_barrier();
    void resume_next(bool current_done);
    void switch_to(int next, bool current_done);
    [[noreturn]] void exit_current();
    [[noreturn]] void abandon(int status);
    std::string thread_name(int i) const;
    std::string deadlock_report() const;

    const LaunchDesc& desc_;
    StackPool& stacks_;
    const bool strict_;
    void* const dyn_smem_;
    uint3* const tid_slot_;  // this worker's threadIdx; caching its address avoids a TLS lookup per switch
    std::vector<Fiber> fibers_;
    std::vector<Warp> warps_;
    Context main_;  // the worker's own stack, where run() waits for the block to finish

    int current_ = 0;     // the running fiber
    int live_ = 0;        // fibers that have not exited
    int ready_ = 0;       // fibers that can run (the running one included)
    int arrived_ = 0;     // fibers waiting at __syncthreads
    int pred_count_ = 0;  // their non-zero predicates
    BarrierResult last_{0, 0};  // result of the latest completed __syncthreads
    int status_ = EMU_OK;
    std::string* message_ = nullptr;
};

}  // namespace emu::detail
