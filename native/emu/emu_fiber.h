// Fibers: stacks and context switching, with the AddressSanitizer annotations a custom
// context switch needs (EMU_ASAN_FIBERS).
#pragma once

#include <stddef.h>

// The hand-written switch (x86-64 only) costs ~27 ns per switch pair; glibc's swapcontext makes
// a sigprocmask system call on every switch and is about 16x slower. EMU_UCONTEXT forces the
// portable path, so that it can be tested on x86-64 too.
#if defined(__x86_64__) && !defined(EMU_UCONTEXT)
#define EMU_FAST_SWITCH 1
#else
#define EMU_FAST_SWITCH 0
#include <ucontext.h>
#endif

namespace emu::detail {

// A suspended execution context: a fiber, or the worker thread's own stack.
struct Context {
#if EMU_FAST_SWITCH
    void* sp = nullptr;
#else
    ucontext_t uc;
#endif
    // The stack the context runs on, for ASan. Learnt at the first switch for a thread's own stack.
    const void* stack_bottom = nullptr;
    size_t stack_size = 0;
};

// Makes `to` start entry() on [stack, stack + size) when it is first switched to. entry must
// call context_started() first and must never return.
void context_init(Context& to, void* stack, size_t size, void (*entry)());
void context_started();

// Suspends the running context into `from` and resumes `to`. `from_is_done`: `from` will never
// be resumed, so ASan may release what it keeps for that stack.
void context_switch(Context& from, Context& to, bool from_is_done);

// Fiber stacks, each with an inaccessible guard page below it, so that a stack overflow faults
// instead of corrupting the neighbour. Kept across launches: mapping 1024 stacks costs more than
// running a small block. There is no destructor; the owner decides when unmapping is safe.
class StackPool {
public:
    StackPool() = default;
    StackPool(const StackPool&) = delete;
    StackPool& operator=(const StackPool&) = delete;

    // Makes stack(0 .. count-1) available with stack_bytes each; false if the mapping fails.
    bool reserve(size_t count, size_t stack_bytes);
    void* stack(size_t i) const { return base_ + i * stride_ + guard_; }
    size_t stack_bytes() const { return stack_bytes_; }
    void release();

private:

    char* base_ = nullptr;
    size_t count_ = 0;
    size_t stack_bytes_ = 0;
    size_t guard_ = 0;
    size_t stride_ = 0;
};

}  // namespace emu::detail
