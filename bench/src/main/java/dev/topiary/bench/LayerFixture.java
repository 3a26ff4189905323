package dev.topiary.bench;

import dev.topiary.backend.AdamW;
import dev.topiary.backend.Backend;
import dev.topiary.backend.SparseWeight;
import dev.topiary.backend.SparseWeight.Layout;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;

import java.util.SplittableRandom;

/**
 * One square layer of the benchmark grid on the benchmarks' backend ({@link BenchBackend}): a weight of {@code width × width} at a given density and
 * layout, a batch of inputs and output gradients, a gradient and AdamW moments aligned with the weight, and the
 * dense view (values and mask) the topology ops work on. Built once per trial, outside any measurement.
 */
final class LayerFixture implements AutoCloseable {
    /** The batch of every benchmark: one SAC/TD3 update. */
    static final int BATCH = 256;
    static final AdamW HP = AdamW.of(1e-4f, 1e-4f);

    final Backend backend;
    final TensorArena arena;
    final Layout layout;
    final int width;
    final int nnz;
    final SparseWeight w;
    final Tensor x;
    final Tensor y;
    final Tensor dy;
    final Tensor dx;
    final Tensor bias;
    final Tensor dw;
    final Tensor m;
    final Tensor v;
    final Tensor step;
    /** Dense view: values and mask (rows × cols); for a compact weight, also dense moments for expand/compact. */
    final Tensor values;
    final Tensor mask;
    final Tensor denseM;
    final Tensor denseV;

    LayerFixture(Layout layout, int width, double density) {
        this.backend = BenchBackend.open();
        this.arena = backend.newArena();
        this.layout = layout;
        this.width = width;
        long cells = (long) width * width;
        this.nnz = layout == Layout.DENSE ? (int) cells : (int) Math.max(1, Math.round(density * cells));
        SplittableRandom r = new SplittableRandom(42);
        values = arena.f32(width, width, normal(r, (int) cells, 1.0 / Math.sqrt(width)));
        mask = arena.u8(width, width);
        if (layout == Layout.DENSE) {
            backend.elements().fill(mask, 1);
        } else {
            backend.topology().randomMask(mask, nnz, 42, 0);
        }
        zeroInactive();
        denseM = arena.f32(width, width);
        denseV = arena.f32(width, width);
        w = build();
        x = arena.f32(BATCH, width, normal(r, BATCH * width, 1));
        dy = arena.f32(BATCH, width, normal(r, BATCH * width, 1));
        y = arena.f32(BATCH, width);
        dx = arena.f32(BATCH, width);
        bias = arena.f32(1, width);
        dw = w.newAligned(arena);
        m = w.newAligned(arena);
        v = w.newAligned(arena);
        step = arena.i32(1, 1);
        step.copyFrom(new int[] {1});
    }

    private void zeroInactive() {
        backend.topology().applyMaskChange(mask, mask, values);
    }

    private SparseWeight build() {
        switch (layout) {
            case DENSE -> {
                SparseWeight d = SparseWeight.dense(arena, width, width);
                backend.elements().copy(values, d.values());
                return d;
            }
            case MASKED -> {
                SparseWeight d = SparseWeight.masked(arena, width, width);
                backend.elements().copy(values, d.values());
                backend.elements().copy(mask, d.mask());
                d.setNnz(nnz);
                return d;
            }
            default -> {
                SparseWeight d = SparseWeight.compact(arena, width, width, nnz);
                backend.sparse().compact(values, mask, nnz, d, null, null);
                return d;
            }
        }
    }

    /** The mask AdamW must respect: the weight's own for MASKED, none otherwise (compact arrays hold only actives). */
    Tensor adamMask() {
        return layout == Layout.MASKED ? w.mask() : null;
    }

    /** One training step of the layer: forward, dX, dW, AdamW (and its step counter). */
    void trainingStep() {
        backend.sparse().forward(x, w, bias, y);
        backend.sparse().backwardInput(dy, w, 0f, dx);
        backend.sparse().backwardWeight(dy, x, w, 0f, dw);
        backend.optim().adamW(w.values(), dw, m, v, adamMask(), HP, step);
        backend.optim().incrementStep(step);
    }

    static float[] normal(SplittableRandom r, int n, double std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (std * r.nextGaussian());
        }
        return a;
    }

    @Override
    public void close() {
        arena.close();
        backend.close();
    }
}
