package dev.topiary.nn;

import dev.topiary.backend.Backend;
import dev.topiary.backend.SparseWeight.Layout;

import java.util.List;

/**
 * Weight initialisation. MR.Q initialises every linear weight with {@code xavier_uniform_} at gain √2
 * (PyTorch's {@code calculate_gain('relu')}) and every bias with zero; values come from the Philox stream, so every
 * backend draws the same network.
 */
public final class Init {
    /** √2, the gain MR.Q passes to xavier-uniform. */
    public static final double MRQ_GAIN = Math.sqrt(2);

    private Init() {
    }

    /** MR.Q's initialisation of {@code layers} (a module's linear layers, in order), with layer i on its own stream. */
    public static void mrq(List<Linear> layers, long seed) {
        for (int i = 0; i < layers.size(); i++) {
            xavierUniform(layers.get(i), MRQ_GAIN, seed, Streams.weightInit(i));
        }
    }

    /** Xavier-uniform bound {@code gain · sqrt(6 / (fanIn + fanOut))}. */
    public static double xavierBound(int fanIn, int fanOut, double gain) {
        return gain * Math.sqrt(6.0 / (fanIn + fanOut));
    }

    /**
     * Draws the weight uniformly on {@code ±xavierBound} over every entry (so the surviving values do not depend on
     * the mask or layout), zeroes inactive entries, zeroes the bias and the optimizer moments.
     */
    public static void xavierUniform(Linear layer, double gain, long seed, long stream) {
        Backend b = layer.weight().value().backend();
        WeightParameter w = layer.weight();
        float bound = (float) xavierBound(w.cols(), w.rows(), gain);
        if (w.layout() == Layout.DENSE) {
            b.random().uniform(w.value(), -bound, bound, seed, stream);
            b.elements().fill(w.m(), 0);
            b.elements().fill(w.v(), 0);
        } else {
            DenseView view = w.openView();
            b.random().uniform(view.values(), -bound, bound, seed, stream);
            b.topology().applyMaskChange(view.mask(), view.mask(), view.values(), view.m(), view.v());
            b.elements().fill(view.m(), 0);
            b.elements().fill(view.v(), 0);
            w.closeView(view, w.nnz());
        }
        if (layer.bias() != null) {
            b.elements().fill(layer.bias().value(), 0);
            b.elements().fill(layer.bias().m(), 0);
            b.elements().fill(layer.bias().v(), 0);
        }
    }
}
