// Block barriers and warp-synchronous intrinsics. The header only converts types; the
// scheduler (emu_block.cpp) implements the waiting.
//
// A warp op completes once every non-exited lane named in its mask has reached a warp op; the
// lane that completes the group computes all members' results, so nobody's input can be
// overwritten before it has been read. A source lane that is not in the group (exited, beyond a
// partial warp, or outside the mask) yields the caller's own value.
#pragma once

#include <type_traits>

namespace emu::detail {
struct BarrierResult {
    int count;    // threads whose predicate was non-zero
    int arrived;  // threads that took part (the non-exited ones)
};
BarrierResult block_sync(int pred);

enum class Shfl : int { Idx, Up, Down, Xor };
unsigned long long warp_shfl(unsigned mask, unsigned long long bits, Shfl mode, unsigned lane_arg, int width);

struct Vote {
    unsigned ballot;   // group members whose predicate was non-zero
    unsigned members;  // the group
};
Vote warp_vote(unsigned mask, int pred);
unsigned warp_active_mask();

template <class T>
inline T shfl(unsigned mask, T v, Shfl mode, unsigned lane_arg, int width) {
    static_assert(sizeof(T) <= 8 && std::is_trivially_copyable_v<T>, "warp shuffles move at most 8 bytes");
    unsigned long long bits = 0;
    memcpy(&bits, &v, sizeof(T));
    bits = warp_shfl(mask, bits, mode, lane_arg, width);
    memcpy(&v, &bits, sizeof(T));
    return v;
}
}  // namespace emu::detail

inline void __syncthreads() { emu::detail::block_sync(0); }
inline int __syncthreads_count(int pred) { return emu::detail::block_sync(pred).count; }
inline int __syncthreads_or(int pred) { return emu::detail::block_sync(pred).count != 0; }
inline int __syncthreads_and(int pred) {
    emu::detail::BarrierResult r = emu::detail::block_sync(pred);
    return r.count == r.arrived;
}

inline void __syncwarp(unsigned mask = 0xFFFFFFFFu) { emu::detail::warp_vote(mask, 0); }
inline unsigned __ballot_sync(unsigned mask, int pred) { return emu::detail::warp_vote(mask, pred).ballot; }
inline int __any_sync(unsigned mask, int pred) { return emu::detail::warp_vote(mask, pred).ballot != 0; }
inline int __all_sync(unsigned mask, int pred) {
    emu::detail::Vote v = emu::detail::warp_vote(mask, pred);
    return v.ballot == v.members;
}
// The emulator does not track divergence: this is the set of lanes that have not exited.
inline unsigned __activemask() { return emu::detail::warp_active_mask(); }

template <class T>
inline T __shfl_sync(unsigned mask, T var, int srcLane, int width = warpSize) {
    return emu::detail::shfl(mask, var, emu::detail::Shfl::Idx, static_cast<unsigned>(srcLane), width);
}
template <class T>
inline T __shfl_up_sync(unsigned mask, T var, unsigned delta, int width = warpSize) {
    return emu::detail::shfl(mask, var, emu::detail::Shfl::Up, delta, width);
}
template <class T>
inline T __shfl_down_sync(unsigned mask, T var, unsigned delta, int width = warpSize) {
    return emu::detail::shfl(mask, var, emu::detail::Shfl::Down, delta, width);
}
template <class T>
inline T __shfl_xor_sync(unsigned mask, T var, int laneMask, int width = warpSize) {
    return emu::detail::shfl(mask, var, emu::detail::Shfl::Xor, static_cast<unsigned>(laneMask), width);
}
