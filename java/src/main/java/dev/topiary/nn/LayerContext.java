package dev.topiary.nn;

import dev.topiary.backend.Backend;
import dev.topiary.backend.TensorArena;

/**
 * Where layers get their memory: the backend they run on, the arena their parameters and pass buffers live in, and a
 * {@link Workspace} of scratch tensors shared by every layer built in this context.
 */
public record LayerContext(Backend backend, TensorArena arena, Workspace workspace) {

    /** A context with a fresh workspace on {@code arena}. */
    public static LayerContext of(Backend backend, TensorArena arena) {
        return new LayerContext(backend, arena, new Workspace(arena));
    }
}
