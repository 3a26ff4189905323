/**
 * Environments with Gymnasium 1.x semantics: the {@link dev.topiary.env.Env} interface (reset with a seed; step
 * returning {@code terminated} and {@code truncated} apart), {@link dev.topiary.env.Box} and
 * {@link dev.topiary.env.Discrete} spaces, {@link dev.topiary.env.TimeLimit} and
 * {@link dev.topiary.env.ActionRepeat} wrappers, state save and restore for bit-exact resume, the checkpointable
 * {@link dev.topiary.env.Rng}, and the pure-Java classic-control tasks by name through
 * {@link dev.topiary.env.EnvRegistry}.
 */
package dev.topiary.env;
