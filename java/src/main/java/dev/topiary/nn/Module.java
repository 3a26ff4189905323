package dev.topiary.nn;

import dev.topiary.backend.AdamW;

import java.util.ArrayList;
import java.util.List;

/**
 * One independently trained part of an agent (MR.Q's encoder, critic or actor): its networks and its own AdamW
 * optimizer. Sparsity regimes act on a module's {@link #linears()}, counting time in its {@link #steps()}.
 */
public final class Module {
    private final String name;
    private final LayerContext ctx;
    private final List<Network> networks;
    private final AdamWOptimizer optimizer;

    /** {@code maxGradNorm = 0}: no gradient clipping. */
    public Module(String name, LayerContext ctx, AdamW hp, float maxGradNorm, List<Network> networks) {
        if (networks.isEmpty()) {
            throw new IllegalArgumentException("module " + name + " has no networks");
        }
        this.name = name;
        this.ctx = ctx;
        this.networks = List.copyOf(networks);
        this.optimizer = new AdamWOptimizer(ctx, parameters(), hp, maxGradNorm);
    }

    public String name() {
        return name;
    }

    public LayerContext context() {
        return ctx;
    }

    public List<Network> networks() {
        return networks;
    }

    /** The network of this name. */
    public Network network(String networkName) {
        for (Network n : networks) {
            if (n.name().equals(networkName)) {
                return n;
            }
        }
        throw new IllegalArgumentException("module " + name + " has no network '" + networkName + "'");
    }

    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>();
        for (Network n : networks) {
            ps.addAll(n.parameters());
        }
        return ps;
    }

    /** Every linear layer of every network, in order: what sparsity regimes and initialisation index. */
    public List<Linear> linears() {
        List<Linear> ls = new ArrayList<>();
        for (Network n : networks) {
            ls.addAll(n.linears());
        }
        return ls;
    }

    public ParameterCount parameterCount() {
        return ParameterCount.of(parameters());
    }

    public AdamWOptimizer optimizer() {
        return optimizer;
    }

    /** Optimizer steps taken so far. */
    public long steps() {
        return optimizer.steps();
    }

    /** One optimizer step (clipping first if configured); see {@link AdamWOptimizer#step()}. */
    public void step() {
        optimizer.step();
    }

    /** MR.Q's initialisation of every linear layer; call after a sparsity regime has chosen the masks. */
    public void initialise(long seed) {
        Init.mrq(linears(), seed);
    }

    /** Freezes (false) or unfreezes every parameter, e.g. the critic while it scores the actor's actions. */
    public void setTrainable(boolean trainable) {
        for (Network n : networks) {
            n.setTrainable(trainable);
        }
    }

    /** The architecture of every network. */
    public String describe() {
        StringBuilder sb = new StringBuilder("module ").append(name).append(": ").append(parameterCount()).append('\n');
        for (Network n : networks) {
            sb.append(n.describe());
        }
        return sb.toString();
    }
}
