package dev.topiary.nn;

import dev.topiary.backend.Tensor;

/**
 * The dense view of a sparse weight, every tensor {@code [rows×cols]}: values, mask and the two AdamW moments, where
 * topology ops work. For a {@code MASKED} weight these are the weight's own tensors; for a {@code COMPACT} one they
 * are borrowed workspace tensors the weight was expanded into. Obtain with {@link WeightParameter#openView()} and
 * hand back with {@link WeightParameter#closeView}.
 */
public record DenseView(Tensor values, Tensor mask, Tensor m, Tensor v) {
}
