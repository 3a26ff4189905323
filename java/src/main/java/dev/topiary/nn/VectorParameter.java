package dev.topiary.nn;

import dev.topiary.backend.Tensor;

/** A dense row-vector parameter ({@code F32[1×n]}): a bias or a LayerNorm scale or shift. Never masked. */
public final class VectorParameter extends Parameter {
    private final Tensor value;
    private final Tensor grad;
    private final Tensor m;
    private final Tensor v;

    public VectorParameter(LayerContext ctx, String name, int n) {
        super(name);
        this.value = ctx.arena().f32(1, n);
        this.grad = ctx.arena().f32(1, n);
        this.m = ctx.arena().f32(1, n);
        this.v = ctx.arena().f32(1, n);
    }

    @Override
    public Tensor value() {
        return value;
    }

    @Override
    public Tensor grad() {
        return grad;
    }

    @Override
    public Tensor m() {
        return m;
    }

    @Override
    public Tensor v() {
        return v;
    }

    @Override
    public Tensor mask() {
        return null;
    }

    @Override
    public long count() {
        return value.size();
    }

    @Override
    public long activeCount() {
        return value.size();
    }
}
