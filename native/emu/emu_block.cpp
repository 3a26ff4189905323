#include "emu_block.h"

#include <stdio.h>
#include <string.h>

namespace emu::detail {

static thread_local Block* t_block;

BarrierResult block_sync(int pred) { return t_block->sync(pred); }
unsigned long long warp_shfl(unsigned mask, unsigned long long bits, Shfl mode, unsigned lane_arg, int width) {
    return t_block->shfl(mask, bits, mode, lane_arg, width);
}
Vote warp_vote(unsigned mask, int pred) { return t_block->vote(mask, pred); }
unsigned warp_active_mask() { return t_block->active_mask(); }

Block::Block(const LaunchDesc& desc, const Options& opts, StackPool& stacks, void* dyn_smem)
    : desc_(desc), stacks_(stacks), strict_(opts.strict), dyn_smem_(dyn_smem), tid_slot_(&threadIdx) {
    const dim3 b = desc.block;
    const int n = static_cast<int>(b.x * b.y * b.z);
    fibers_.resize(n);
    for (int i = 0; i < n; ++i) {
        // CUDA numbers threads x-fastest, and warps are consecutive runs of 32 of that order.
        const unsigned u = static_cast<unsigned>(i);
        fibers_[i].tid = uint3{u % b.x, u / b.x % b.y, u / (b.x * b.y)};
    }
    warps_.resize((n + 31) / 32);
    t_block = this;
    t_dyn_smem = dyn_smem;
    blockDim = desc.block;
    gridDim = desc.grid;
}

Block::~Block() {
    t_block = nullptr;
    t_dyn_smem = nullptr;
}

int Block::run(uint3 idx, std::string& message) {
    const int n = static_cast<int>(fibers_.size());
    for (int i = 0; i < n; ++i) {
        fibers_[i].state = State::Ready;
        context_init(fibers_[i].ctx, stacks_.stack(i), stacks_.stack_bytes(), &Block::fiber_main);
    }
    for (size_t w = 0; w < warps_.size(); ++w) {
        const int lanes = n - static_cast<int>(w) * 32;
        warps_[w] = Warp{lanes >= 32 ? ~0u : (1u << lanes) - 1, 0};
    }
    current_ = 0;
    live_ = ready_ = n;
    arrived_ = pred_count_ = 0;
    status_ = EMU_OK;
    message_ = &message;
    // Fresh shared memory holds garbage on a GPU: all-ones bits read as NaN or -1.
    if (desc_.dyn_shmem > 0) memset(dyn_smem_, 0xFF, desc_.dyn_shmem);
    blockIdx = idx;
    *tid_slot_ = fibers_[0].tid;
    context_switch(main_, fibers_[0].ctx, false);
    return status_;
}

void Block::fiber_main() {
    context_started();
    Block& b = *t_block;
    b.desc_.thread_main(b.desc_.ctx);
    b.exit_current();
}

void Block::switch_to(int next, bool current_done) {
    Context& from = fibers_[current_].ctx;
    current_ = next;
    *tid_slot_ = fibers_[next].tid;
    context_switch(from, fibers_[next].ctx, current_done);
}

// The running fiber can no longer run: continue with the next ready one in thread order.
void Block::resume_next(bool current_done) {
    if (ready_ > 0) {
        const int n = static_cast<int>(fibers_.size());
        int i = current_;
        do {
            i = i + 1 == n ? 0 : i + 1;
        } while (fibers_[i].state != State::Ready);
        switch_to(i, current_done);
    } else if (live_ == 0) {
        context_switch(fibers_[current_].ctx, main_, true);
    } else {
        *message_ = deadlock_report();
        abandon(EMU_ERR_DEADLOCK);
    }
}

// Ends the block from inside a fiber. Nothing on the abandoned stacks owns heap memory: messages
// are built into *message_ before the call.
void Block::abandon(int status) {
    status_ = status;
    context_switch(fibers_[current_].ctx, main_, true);
    __builtin_unreachable();
}

void Block::exit_current() {
    const int lane = current_ & 31;
    const int base = current_ & ~31;
    Warp& w = warps_[current_ >> 5];
    fibers_[current_].state = State::Exited;
    --ready_;
    --live_;
    w.live &= ~(1u << lane);
    // An exited thread no longer counts for __syncthreads (as on the hardware), which may
    // complete a barrier or a warp group that was only waiting for it.
    if (arrived_ > 0) {
        if (strict_) {
            *message_ = "thread " + thread_name(current_) + " exited while " + std::to_string(arrived_) +
                        " threads wait at __syncthreads (EMU_STRICT=1)";
            abandon(EMU_ERR_STRICT);
        }
        if (arrived_ == live_) release_barrier();
    }
    for (unsigned pending = w.waiting; pending != 0;) {
        const unsigned group = group_of(w, base, fibers_[base + __builtin_ctz(pending)].mask);
        if ((group & ~w.waiting) == 0) complete_group(w, base, group);
        pending &= ~group;
    }
    resume_next(true);
    __builtin_unreachable();
}

BarrierResult Block::sync(int pred) {
    ++arrived_;
    pred_count_ += pred != 0;
    if (arrived_ == live_) {
        release_barrier();
    } else {
        fibers_[current_].state = State::AtBarrier;
        --ready_;
        resume_next(false);
    }
    // Still valid: the next barrier cannot complete before this fiber has arrived there.
    return last_;
}

void Block::release_barrier() {
    last_ = BarrierResult{pred_count_, arrived_};
    arrived_ = pred_count_ = 0;
    for (Fiber& f : fibers_) {
        if (f.state == State::AtBarrier) {
            f.state = State::Ready;
            ++ready_;
        }
    }
}

unsigned long long Block::shfl(unsigned mask, unsigned long long bits, Shfl mode, unsigned lane_arg, int width) {
    // PTX shfl.sync semantics. CUDA passes the segment mask 32 - width and a clamp of 31 (0 for
    // up); a source outside [min_lane, max_lane] leaves the caller's own value.
    const int lane = current_ & 31;
    const int b = static_cast<int>(lane_arg & 31);
    const int seg = (32 - width) & 31;
    const int min_lane = lane & seg;
    const int max_lane = min_lane | ((mode == Shfl::Up ? 0 : 31) & ~seg);
    int src = lane;
    bool ok = false;
    switch (mode) {
        case Shfl::Idx: src = min_lane | (b & ~seg); ok = src <= max_lane; break;
        case Shfl::Up: src = lane - b; ok = src >= max_lane; break;
        case Shfl::Down: src = lane + b; ok = src <= max_lane; break;
        case Shfl::Xor: src = lane ^ b; ok = src <= max_lane; break;
    }
    return warp_op(WarpOp::Shfl, mask, bits, ok ? src : lane);
}

Vote Block::vote(unsigned mask, int pred) {
    const unsigned long long r = warp_op(WarpOp::Vote, mask, pred != 0, 0);
    return Vote{static_cast<unsigned>(r), static_cast<unsigned>(r >> 32)};
}

unsigned long long Block::warp_op(WarpOp op, unsigned mask, unsigned long long in, int src_lane) {
    const int lane = current_ & 31;
    const int base = current_ & ~31;
    Warp& w = warps_[current_ >> 5];
    Fiber& f = fibers_[current_];
    f.op = op;
    f.mask = mask | 1u << lane;
    f.in = in;
    f.src_lane = src_lane;
    f.state = State::AtWarpOp;
    --ready_;
    w.waiting |= 1u << lane;
    const unsigned group = group_of(w, base, f.mask);
    if ((group & ~w.waiting) == 0) {
        complete_group(w, base, group);
    } else {
        resume_next(false);
    }
    return f.out;
}

// The lanes that must meet for an op with `mask`: the live lanes it names, and transitively the
// lanes named by those already waiting (CUDA requires equal masks; this keeps unequal ones from
// splitting a group). Lanes in the result but not waiting have yet to arrive.
unsigned Block::group_of(const Warp& w, int base, unsigned mask) const {
    unsigned group = mask & w.live;
    for (;;) {
        if ((group & ~w.waiting) != 0) return group;
        unsigned grown = group;
        for (unsigned m = group; m != 0; m &= m - 1) grown |= fibers_[base + __builtin_ctz(m)].mask & w.live;
        if (grown == group) return group;
        group = grown;
    }
}

// Every member has arrived: compute all their results at once, so that a lane that runs ahead to
// its next warp op cannot overwrite an input another lane has still to read.
void Block::complete_group(Warp& w, int base, unsigned group) {
    unsigned ballot = 0;
    for (unsigned m = group; m != 0; m &= m - 1) {
        const int j = __builtin_ctz(m);
        if (fibers_[base + j].op == WarpOp::Vote && fibers_[base + j].in != 0) ballot |= 1u << j;
    }
    for (unsigned m = group; m != 0; m &= m - 1) {
        Fiber& t = fibers_[base + __builtin_ctz(m)];
        if (t.op == WarpOp::Vote) {
            t.out = static_cast<unsigned long long>(group) << 32 | ballot;
        } else {
            t.out = (group >> t.src_lane & 1) != 0 ? fibers_[base + t.src_lane].in : t.in;
        }
        t.state = State::Ready;
    }
    ready_ += __builtin_popcount(group);
    w.waiting &= ~group;
}

std::string Block::thread_name(int i) const {
    const uint3 t = fibers_[i].tid;
    return "(" + std::to_string(t.x) + "," + std::to_string(t.y) + "," + std::to_string(t.z) + ")";
}

std::string Block::deadlock_report() const {
    const uint3 b = blockIdx;
    std::string r = "deadlock in block (" + std::to_string(b.x) + "," + std::to_string(b.y) + "," + std::to_string(b.z) + "):";
    const char* separator = " ";
    for (size_t i = 0; i < fibers_.size(); ++i) {
        if (fibers_[i].state == State::AtBarrier) {
            r += separator + ("thread " + thread_name(static_cast<int>(i))) + " waits at __syncthreads (" + std::to_string(arrived_) +
                 " of " + std::to_string(live_) + " live threads arrived)";
            separator = "; ";
            break;
        }
    }
    for (size_t i = 0; i < fibers_.size(); ++i) {
        if (fibers_[i].state == State::AtWarpOp) {
            const int base = static_cast<int>(i) & ~31;
            const Warp& w = warps_[i >> 5];
            char lanes[16];
            snprintf(lanes, sizeof lanes, "0x%08x", group_of(w, base, fibers_[i].mask) & ~w.waiting);
            r += separator + ("thread " + thread_name(static_cast<int>(i))) + " waits at a warp op for lanes " + lanes;
            break;
        }
    }
    return r;
}

}  // namespace emu::detail
