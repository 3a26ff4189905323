package dev.topiary.nn;

import dev.topiary.backend.Tensor;

import java.util.ArrayList;
import java.util.List;

/** Layers applied one after another; backward runs them in reverse. */
public final class Sequential extends Layer {
    private final List<Layer> layers;

    public Sequential(String name, List<Layer> layers) {
        super(name);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("sequential " + name + " has no layers");
        }
        for (int i = 1; i < layers.size(); i++) {
            Layer prev = layers.get(i - 1);
            Layer next = layers.get(i);
            if (prev.outFeatures() != next.inFeatures()) {
                throw new IllegalArgumentException("sequential " + name + ": " + prev.name() + " outputs "
                        + prev.outFeatures() + " features but " + next.name() + " takes " + next.inFeatures());
            }
        }
        this.layers = List.copyOf(layers);
    }

    public List<Layer> layers() {
        return layers;
    }

    @Override
    public int inFeatures() {
        return layers.getFirst().inFeatures();
    }

    @Override
    public int outFeatures() {
        return layers.getLast().outFeatures();
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>();
        for (Layer l : layers) {
            ps.addAll(l.parameters());
        }
        return ps;
    }

    @Override
    public List<Linear> linears() {
        List<Linear> ls = new ArrayList<>();
        for (Layer l : layers) {
            ls.addAll(l.linears());
        }
        return ls;
    }

    @Override
    public void describe(StringBuilder out, String indent) {
        for (Layer l : layers) {
            l.describe(out, indent);
        }
    }

    @Override
    public Pass newPass(int batch) {
        Pass[] passes = new Pass[layers.size()];
        for (int i = 0; i < passes.length; i++) {
            passes[i] = layers.get(i).newPass(batch);
        }
        return new ChainPass(batch, passes);
    }

    /** The passes of a chain of layers; also the pass of every block built from a chain. */
    static final class ChainPass extends Pass {
        private final int batch;
        private final Pass[] passes;

        ChainPass(int batch, Pass[] passes) {
            this.batch = batch;
            this.passes = passes;
        }

        @Override
        public int batch() {
            return batch;
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor h = x;
            for (Pass p : passes) {
                h = p.forward(h);
            }
            return h;
        }

        @Override
        public Tensor backward(Tensor dy, boolean inputGradient) {
            Tensor d = dy;
            for (int i = passes.length - 1; i >= 0; i--) {
                d = passes[i].backward(d, i > 0 || inputGradient);
            }
            return d;
        }

        @Override
        public boolean denseWeightGrad(Linear layer, Tensor g, float beta) {
            for (Pass p : passes) {
                if (p.denseWeightGrad(layer, g, beta)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void features(List<Feature> out) {
            for (Pass p : passes) {
                p.features(out);
            }
        }
    }
}
