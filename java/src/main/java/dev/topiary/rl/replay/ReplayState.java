package dev.topiary.rl.replay;

/**
 * The host side of a {@link ReplayBuffer} for a checkpoint: counters, slot kinds, reward magnitudes, the sampling
 * weights (the sum tree's leaves: LAP priorities, or 1 for a valid start under uniform sampling, 0 for an invalid
 * one) and the running maximum priority. The stored tables themselves stay in {@link ReplayBuffer#storage()},
 * which the checkpoint writes alongside.
 *
 * @param next          the slot the next write goes to
 * @param episodeLength transitions of the current episode so far
 * @param transitions   transitions stored
 * @param draws         samples drawn (selects the next Philox stream)
 * @param generation    writes so far (guards priority updates)
 * @param seenTerminal  whether any stored episode terminated
 * @param kind          per slot: 0 empty, 1 transition, 2 final observation
 * @param absReward     per slot |r| (0 for final observations)
 * @param leaves        per slot sampling weight
 * @param maxPriority   the running maximum LAP priority
 */
public record ReplayState(int next, int episodeLength, long transitions, long draws, long generation,
                          boolean seenTerminal, byte[] kind, float[] absReward, float[] leaves, float maxPriority) {
}
