package dev.topiary.rl.simba;

import dev.topiary.backend.Backend;
import dev.topiary.backend.SparseWeight;
import dev.topiary.backend.SparseWeight.Layout;
import dev.topiary.backend.Tensor;
import dev.topiary.nn.Module;
import dev.topiary.nn.Network;
import dev.topiary.nn.Parameter;
import dev.topiary.nn.VectorParameter;
import dev.topiary.nn.WeightParameter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A target copy of a module, never optimised, that follows it by Polyak averaging: {@code θ̄ ← τ·θ + (1 − τ)·θ̄}
 * for every parameter (one
 * {@code optim().polyak} op each).
 *
 * <p><b>Sparse layers.</b> The target always has the online module's connectivity. While the online masks are
 * unchanged the stored value arrays line up entry for entry (same mask, or same compact CSR order), so averaging the
 * value arrays is exact and inactive entries stay zero in both. After a topology update of the online module the
 * caller says so ({@code connectivityChanged}), and each sparse weight is first re-wired: the target copies the
 * online layout and mask ({@link WeightParameter#copyWeightsFrom}), then gets back its own old values on the
 * entries the new mask keeps; entries just dropped leave the target, entries just grown start at the target's old
 * value there, which is zero (they were inactive). Then the usual average runs. So after every update the target's
 * mask equals the online one and every kept entry has been averaged exactly.
 */
public final class PolyakTarget {
    private static final Tensor[] NONE = new Tensor[0];

    private final Module online;
    private final Module target;
    private final float tau;
    private final List<Parameter> from = new ArrayList<>();
    private final List<Parameter> to = new ArrayList<>();
    private final Map<String, Tensor[]> scratch = new HashMap<>();

    /** Binds {@code target} (same architecture, frozen here) to {@code online} and hard-copies it. */
    public PolyakTarget(Module online, Module target, double tau) {
        if (!(tau > 0 && tau <= 1)) {
            throw new IllegalArgumentException("Polyak τ = " + tau + " must lie in (0, 1]");
        }
        this.online = online;
        this.target = target;
        this.tau = (float) tau;
        List<Network> src = online.networks();
        List<Network> dst = target.networks();
        if (src.size() != dst.size()) {
            throw new IllegalArgumentException("target " + target.name() + " has " + dst.size() + " networks, "
                    + online.name() + " has " + src.size());
        }
        for (int i = 0; i < src.size(); i++) {
            from.addAll(src.get(i).parameters());
            to.addAll(dst.get(i).parameters());
        }
        if (from.size() != to.size()) {
            throw new IllegalArgumentException("target " + target.name() + " has " + to.size() + " parameters, "
                    + online.name() + " has " + from.size());
        }
        target.setTrainable(false);
        hardCopy();
    }

    public Module target() {
        return target;
    }

    public Module online() {
        return online;
    }

    /** θ̄ ← θ, connectivity included. */
    public void hardCopy() {
        List<Network> src = online.networks();
        List<Network> dst = target.networks();
        for (int i = 0; i < src.size(); i++) {
            dst.get(i).copyWeightsFrom(src.get(i));
        }
    }

    /**
     * θ̄ ← τθ + (1 − τ)θ̄. Pass {@code connectivityChanged = true} after a step that ran a topology update of the
     * online module (a layer whose layout or active count differs is re-wired in any case).
     */
    public void update(boolean connectivityChanged) {
        for (int i = 0; i < from.size(); i++) {
            Parameter f = from.get(i);
            Parameter t = to.get(i);
            if (f instanceof WeightParameter fw && t instanceof WeightParameter tw) {
                if (connectivityChanged || fw.layout() != tw.layout() || fw.nnz() != tw.nnz()) {
                    rewire(fw, tw);
                }
            } else if (!(f instanceof VectorParameter && t instanceof VectorParameter)) {
                throw new IllegalStateException("Polyak update: parameter " + f.name() + " does not match "
                        + t.name());
            }
            Tensor tv = t.value();
            tv.backend().optim().polyak(tv, f.value(), tau);
        }
    }

    /** Gives {@code t} the connectivity of {@code f} while keeping t's own values on the entries kept. */
    private void rewire(WeightParameter f, WeightParameter t) {
        SparseWeight fs = f.weight();
        if (fs.layout() == Layout.DENSE) {
            return;
        }
        Backend b = t.value().backend();
        Tensor[] s = scratch(f);
        Tensor old = s[0];
        Tensor oldMask = s[1];
        Tensor newMask;
        SparseWeight ts = t.weight();
        switch (ts.layout()) {
            case COMPACT -> b.sparse().expand(ts, old, oldMask, NONE, NONE);
            default -> b.elements().copy(ts.values(), old);
        }
        if (fs.layout() == Layout.COMPACT) {
            b.sparse().expand(fs, s[2], s[3], NONE, NONE);
            newMask = s[3];
        } else {
            newMask = fs.mask();
        }
        t.copyWeightsFrom(f);
        // Old target values on the new mask only (oldMask = newMask here: nothing counts as newly grown).
        b.topology().applyMaskChange(newMask, newMask, old);
        SparseWeight now = t.weight();
        if (now.layout() == Layout.COMPACT) {
            b.sparse().compact(old, newMask, now.nnz(), now, NONE, NONE);
        } else {
            b.elements().copy(old, now.values());
        }
    }

    /** Dense scratch for one weight shape: old values, old mask, online values, online mask. */
    private Tensor[] scratch(WeightParameter w) {
        String key = w.rows() + "x" + w.cols();
        return scratch.computeIfAbsent(key, k -> {
            var arena = target.context().arena();
            return new Tensor[]{arena.f32(w.rows(), w.cols()), arena.u8(w.rows(), w.cols()),
                    arena.f32(w.rows(), w.cols()), arena.u8(w.rows(), w.cols())};
        });
    }
}
