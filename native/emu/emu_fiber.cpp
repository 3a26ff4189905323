#include "emu_fiber.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef EMU_ASAN_FIBERS
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace emu::detail {

#ifdef EMU_ASAN_FIBERS
// The context the running code switched away from; its stack bounds are filled in by
// __sanitizer_finish_switch_fiber on the other side of the switch.
static thread_local Context* t_switched_from;
#endif

// A reused stack still carries the redzones of the frames that were live when it last switched
// away: a finished fiber's entry function and final switch, or whole call chains of fibers that a
// failed launch abandoned. Frames below the stack pointer saved then have returned and cleared
// their own redzones, so with the fast switch only the part above it needs clearing.
static void clear_stale_redzones(const Context& old, void* stack, size_t size) {
#ifdef EMU_ASAN_FIBERS
    char* const bottom = static_cast<char*>(stack);
    char* const top = bottom + size;
    char* low = bottom;
#if EMU_FAST_SWITCH
    char* const sp = static_cast<char*>(old.sp);
    if (sp > bottom && sp < top) low = sp;
#endif
    ASAN_UNPOISON_MEMORY_REGION(low, static_cast<size_t>(top - low));
#else
    (void)old;
    (void)stack;
    (void)size;
#endif
}

#if EMU_FAST_SWITCH

// Pushes the callee-saved registers, MXCSR and the x87 control word (the state the SysV ABI
// says a call preserves), stores the stack pointer to *save, loads `next` as the stack pointer
// and pops the same state from there. `naked` rather than a top-level asm() block, which breaks
// -flto by defining the symbol in every partition.
__attribute__((naked, noinline)) static void switch_stacks(void** /*save: rdi*/, void* /*next: rsi*/) {
    asm volatile(
        "pushq %rbp\n\t"
        "pushq %rbx\n\t"
        "pushq %r12\n\t"
        "pushq %r13\n\t"
        "pushq %r14\n\t"
        "pushq %r15\n\t"
        "subq $8, %rsp\n\t"
        "stmxcsr (%rsp)\n\t"
        "fnstcw 4(%rsp)\n\t"
        "movq %rsp, (%rdi)\n\t"
        "movq %rsi, %rsp\n\t"
        "ldmxcsr (%rsp)\n\t"
        "fldcw 4(%rsp)\n\t"
        "addq $8, %rsp\n\t"
        "popq %r15\n\t"
        "popq %r14\n\t"
        "popq %r13\n\t"
        "popq %r12\n\t"
        "popq %rbx\n\t"
        "popq %rbp\n\t"
        "ret\n\t");
}

void context_init(Context& to, void* stack, size_t size, void (*entry)()) {
    // The frame switch_stacks pops, from the lowest address: MXCSR and x87 control word,
    // r15 r14 r13 r12 rbx rbp, the address `ret` jumps to, and a null return address for entry.
    // The stack top is page aligned, so entry starts with rsp = 8 (mod 16), as after a call.
    clear_stale_redzones(to, stack, size);
    uint64_t* frame = reinterpret_cast<uint64_t*>(static_cast<char*>(stack) + size) - 9;
    memset(frame, 0, 9 * sizeof(uint64_t));
    uint32_t mxcsr;
    uint16_t x87_cw;
    asm volatile("stmxcsr %0" : "=m"(mxcsr));
    asm volatile("fnstcw %0" : "=m"(x87_cw));
    memcpy(frame, &mxcsr, sizeof mxcsr);
    memcpy(reinterpret_cast<char*>(frame) + 4, &x87_cw, sizeof x87_cw);
    frame[7] = reinterpret_cast<uint64_t>(entry);
    to.sp = frame;
    to.stack_bottom = stack;
    to.stack_size = size;
}

static void raw_switch(Context& from, Context& to) {
    asm volatile("" ::: "memory");
    switch_stacks(&from.sp, to.sp);
    asm volatile("" ::: "memory");
}

#else

void context_init(Context& to, void* stack, size_t size, void (*entry)()) {
    clear_stale_redzones(to, stack, size);
    getcontext(&to.uc);
    to.uc.uc_stack.ss_sp = stack;
    to.uc.uc_stack.ss_size = size;
    to.uc.uc_link = nullptr;
    makecontext(&to.uc, entry, 0);
    to.stack_bottom = stack;
    to.stack_size = size;
}

static void raw_switch(Context& from, Context& to) { swapcontext(&from.uc, &to.uc); }

#endif

#ifdef EMU_ASAN_FIBERS

void context_started() {
    __sanitizer_finish_switch_fiber(nullptr, &t_switched_from->stack_bottom, &t_switched_from->stack_size);
}

void context_switch(Context& from, Context& to, bool from_is_done) {
    void* fake_stack = nullptr;
    t_switched_from = &from;
    __sanitizer_start_switch_fiber(from_is_done ? nullptr : &fake_stack, to.stack_bottom, to.stack_size);
    raw_switch(from, to);
    __sanitizer_finish_switch_fiber(fake_stack, &t_switched_from->stack_bottom, &t_switched_from->stack_size);
}

#else

void context_started() {}

void context_switch(Context& from, Context& to, bool) { raw_switch(from, to); }

#endif

void StackPool::release() {
#ifdef EMU_ASAN_FIBERS
    // The stacks' shadow still holds the redzones of their last frames, and munmap does not clear it: a later
    // allocation that the kernel maps at the same addresses (ASan's large-allocation path) would read as a stack.
    if (base_ != nullptr) ASAN_UNPOISON_MEMORY_REGION(base_, count_ * stride_);
#endif
    if (base_ != nullptr) munmap(base_, count_ * stride_);
    base_ = nullptr;
    count_ = 0;
}

bool StackPool::reserve(size_t count, size_t stack_bytes) {
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    stack_bytes = (stack_bytes + page - 1) / page * page;
    if (count <= count_ && stack_bytes == stack_bytes_) return true;
    release();
    const size_t stride = stack_bytes + page;
    void* p = mmap(nullptr, count * stride, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (p == MAP_FAILED) return false;
    base_ = static_cast<char*>(p);
    count_ = count;
    stack_bytes_ = stack_bytes;
    guard_ = page;
    stride_ = stride;
    for (size_t i = 0; i < count; ++i) {
        if (mprotect(base_ + i * stride_, guard_, PROT_NONE) != 0) {
            release();
            return false;
        }
    }
    return true;
}

}  // namespace emu::detail
