/**
 * Replay on the backend for off-policy learning: {@link dev.topiary.rl.replay.ReplayBuffer} stores transitions as
 * rows in backend memory and samples uniformly or by LAP priority with backend ops only (Philox uniforms, a float64
 * sum tree, row gathers), returning n-step batches ({@link dev.topiary.rl.replay.NStepBatch}) and sub-trajectories
 * ({@link dev.topiary.rl.replay.SequenceBatch}) with MR.Q's handling of terminations and time-limit cuts.
 */
package dev.topiary.rl.replay;
