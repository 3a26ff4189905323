package dev.topiary.nn;

import dev.topiary.backend.DType;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;

import java.util.HashMap;
import java.util.Map;

/**
 * Scratch tensors shared by the layers of a context, one per (slot, dtype, shape), allocated on first use and kept.
 * Topology updates run one layer at a time, so every layer of a given shape can borrow the same dense view instead
 * of owning one.
 */
public final class Workspace {
    private final TensorArena arena;
    private final Map<String, Tensor> tensors = new HashMap<>();

    public Workspace(TensorArena arena) {
        this.arena = arena;
    }

    /** The scratch tensor of this slot and shape; its contents are whatever the last borrower left. */
    public Tensor get(String slot, DType dtype, int rows, int cols) {
        String key = slot + ':' + dtype + ':' + rows + 'x' + cols;
        return tensors.computeIfAbsent(key, k -> arena.allocate(dtype, rows, cols));
    }

    public Tensor f32(String slot, int rows, int cols) {
        return get(slot, DType.F32, rows, cols);
    }

    public Tensor u8(String slot, int rows, int cols) {
        return get(slot, DType.U8, rows, cols);
    }
}
