package dev.topiary.nn;

import dev.topiary.backend.Backend;
import dev.topiary.backend.SparseWeight;
import dev.topiary.backend.SparseWeight.Layout;
import dev.topiary.backend.Tensor;

/**
 * The weight matrix of a {@link Linear} layer ({@code rows = fan-out}, {@code cols = fan-in}) with its gradient and
 * AdamW moments, stored in the {@link SparseWeight} layout its density calls for.
 *
 * <p>A weight starts unallocated. Used as it is, it becomes {@code DENSE}. A sparsity regime instead opens its
 * {@link DenseView} (which makes it {@code MASKED} with every entry active), edits mask and values with topology ops
 * and closes the view with the new active count; closing picks the layout: {@code COMPACT} below the backend's
 * {@link Backend#compactBelowDensity()}, {@code MASKED} otherwise. Each layout's storage is allocated once and reused
 * (compact storage again only when its capacity must grow, or shrink by more than half), so no per-step allocation
 * happens.
 */
public final class WeightParameter extends Parameter {
    private record Storage(SparseWeight weight, Tensor grad, Tensor m, Tensor v) {
    }

    private final LayerContext ctx;
    private final int rows;
    private final int cols;
    private Storage dense;
    private Storage masked;
    private Storage compact;
    private Storage current;

    public WeightParameter(LayerContext ctx, String name, int rows, int cols) {
        super(name);
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("weight " + name + ": shape " + rows + "×" + cols + " must be positive");
        }
        this.ctx = ctx;
        this.rows = rows;
        this.cols = cols;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The weight in its current layout (allocating it dense if nothing chose a layout yet). */
    public SparseWeight weight() {
        return storage().weight();
    }

    /** The current layout; an unallocated weight reports {@code DENSE}, the layout its first use gives it. */
    public Layout layout() {
        return current == null ? Layout.DENSE : current.weight().layout();
    }

    /** Active entries, exact; counting allocates nothing. */
    public int nnz() {
        return current == null ? rows * cols : current.weight().nnz();
    }

    public double density() {
        return nnz() / ((double) rows * cols);
    }

    @Override
    public Tensor value() {
        return weight().values();
    }

    @Override
    public Tensor grad() {
        return storage().grad();
    }

    @Override
    public Tensor m() {
        return storage().m();
    }

    @Override
    public Tensor v() {
        return storage().v();
    }

    /** The mask the optimizer keeps inactive entries at zero with: only a {@code MASKED} weight has one. */
    @Override
    public Tensor mask() {
        return weight().mask();
    }

    @Override
    public long count() {
        return (long) rows * cols;
    }

    @Override
    public long activeCount() {
        return nnz();
    }

    private Storage storage() {
        if (current == null) {
            dense = allocate(SparseWeight.dense(ctx.arena(), rows, cols));
            current = dense;
        }
        return current;
    }

    private Storage allocate(SparseWeight w) {
        return new Storage(w, w.newAligned(ctx.arena()), w.newAligned(ctx.arena()), w.newAligned(ctx.arena()));
    }

    /**
     * The dense view to run topology ops on. A dense or unallocated weight becomes {@code MASKED} with every entry
     * active (values and moments kept); a compact one is expanded into workspace tensors shared by every weight of
     * this shape, so close the view before opening another of the same shape.
     */
    public DenseView openView() {
        Backend b = ctx.backend();
        if (current == null || current == dense) {
            Storage from = current;
            ensureMasked();
            b.elements().fill(masked.weight().mask(), 1);
            masked.weight().setNnz(rows * cols);
            if (from != null) {
                b.elements().copy(from.weight().values(), masked.weight().values());
                b.elements().copy(from.m(), masked.m());
                b.elements().copy(from.v(), masked.v());
            }
            current = masked;
        }
        if (current == masked) {
            return new DenseView(masked.weight().values(), masked.weight().mask(), masked.m(), masked.v());
        }
        DenseView view = scratchView();
        b.sparse().expand(compact.weight(), view.values(), view.mask(), new Tensor[] {compact.m(), compact.v()},
                new Tensor[] {view.m(), view.v()});
        return view;
    }

    /**
     * Takes back a view after its mask was edited to hold exactly {@code nnz} active entries (with values and moments
     * zero wherever inactive) and stores it in the layout that density calls for.
     */
    public void closeView(DenseView view, int nnz) {
        if (nnz < 0 || nnz > rows * cols) {
            throw new IllegalArgumentException("weight " + name() + ": nnz " + nnz + " outside [0, " + rows * cols + "]");
        }
        Backend b = ctx.backend();
        if (nnz < b.compactBelowDensity() * rows * cols) {
            ensureCompactCapacity(nnz);
            b.sparse().compact(view.values(), view.mask(), nnz, compact.weight(), new Tensor[] {view.m(), view.v()},
                    new Tensor[] {compact.m(), compact.v()});
            // The compact gradient's tail [nnz, capacity) is never written by backward ops: keep it zero.
            b.elements().fill(compact.grad(), 0);
            current = compact;
            return;
        }
        ensureMasked();
        if (view.values() != masked.weight().values()) {
            b.elements().copy(view.values(), masked.weight().values());
            b.elements().copy(view.mask(), masked.weight().mask());
            b.elements().copy(view.m(), masked.m());
            b.elements().copy(view.v(), masked.v());
        }
        masked.weight().setNnz(nnz);
        current = masked;
    }

    /**
     * Copies the canonical form into host arrays (each {@code rows·cols} long): dense values, a 0/1 mask (all ones
     * for a dense weight) and dense moments. Does not change the layout.
     */
    public void exportCanonical(float[] values, byte[] mask, float[] m, float[] v) {
        Storage s = storage();
        if (s == compact) {
            DenseView view = scratchView();
            ctx.backend().sparse().expand(compact.weight(), view.values(), view.mask(),
                    new Tensor[] {compact.m(), compact.v()}, new Tensor[] {view.m(), view.v()});
            copyOut(view, values, mask, m, v);
        } else if (s == masked) {
            copyOut(new DenseView(masked.weight().values(), masked.weight().mask(), masked.m(), masked.v()), values, mask,
                    m, v);
        } else {
            s.weight().values().copyTo(values);
            java.util.Arrays.fill(mask, (byte) 1);
            s.m().copyTo(m);
            s.v().copyTo(v);
        }
    }

    private static void copyOut(DenseView view, float[] values, byte[] mask, float[] m, float[] v) {
        view.values().copyTo(values);
        view.mask().copyTo(mask);
        view.m().copyTo(m);
        view.v().copyTo(v);
    }

    /**
     * Replaces values, mask and moments with a canonical form holding {@code nnz} active entries (validated by the
     * caller). A weight that is dense (or unallocated) and receives a full mask stays dense; otherwise the weight
     * takes the layout the density calls for.
     */
    public void importCanonical(float[] values, byte[] mask, float[] m, float[] v, int nnz) {
        if (nnz == rows * cols && (current == null || current == dense)) {
            Storage s = storage();
            s.weight().values().copyFrom(values);
            s.m().copyFrom(m);
            s.v().copyFrom(v);
            return;
        }
        DenseView view = current == masked ? openView() : scratchViewAfterAllocation();
        view.values().copyFrom(values);
        view.mask().copyFrom(mask);
        view.m().copyFrom(m);
        view.v().copyFrom(v);
        closeView(view, nnz);
    }

    private DenseView scratchViewAfterAllocation() {
        if (current == null) {
            ensureMasked();
            current = masked;
        }
        return scratchView();
    }

    /**
     * Makes this weight an exact copy of {@code src} (same shape): layout, connectivity and values, but not the
     * moments. For hard target-network updates; reuses this weight's storage after the first copy.
     */
    public void copyWeightsFrom(WeightParameter src) {
        if (src.rows != rows || src.cols != cols) {
            throw new IllegalArgumentException("copy " + src.name() + " " + src.rows + "×" + src.cols + " into "
                    + name() + " " + rows + "×" + cols + ": shapes differ");
        }
        SparseWeight from = src.weight();
        var el = ctx.backend().elements();
        switch (from.layout()) {
            case DENSE -> {
                if (current != null && current != dense) {
                    throw new IllegalStateException("weight " + name() + " is sparse but its source is dense");
                }
                el.copy(from.values(), storage().weight().values());
            }
            case MASKED -> {
                ensureMasked();
                el.copy(from.values(), masked.weight().values());
                el.copy(from.mask(), masked.weight().mask());
                masked.weight().setNnz(from.nnz());
                current = masked;
            }
            case COMPACT -> {
                if (compact == null || compact.weight().capacity() != from.capacity()) {
                    compact = allocate(SparseWeight.compact(ctx.arena(), rows, cols, from.capacity()));
                }
                SparseWeight to = compact.weight();
                el.copy(from.values(), to.values());
                el.copy(from.rowPtr(), to.rowPtr());
                el.copy(from.colIdx(), to.colIdx());
                el.copy(from.colPtr(), to.colPtr());
                el.copy(from.rowIdx(), to.rowIdx());
                el.copy(from.perm(), to.perm());
                to.setNnz(from.nnz());
                current = compact;
            }
        }
    }

    private DenseView scratchView() {
        Workspace ws = ctx.workspace();
        return new DenseView(ws.f32("view.values", rows, cols), ws.u8("view.mask", rows, cols),
                ws.f32("view.m", rows, cols), ws.f32("view.v", rows, cols));
    }

    private void ensureMasked() {
        if (masked == null) {
            masked = allocate(SparseWeight.masked(ctx.arena(), rows, cols));
        }
    }

    /**
     * Compact storage able to hold {@code nnz} entries: kept while its capacity fits without wasting more than half;
     * otherwise reallocated, with room to double when growing, never beyond what a compact layout can hold.
     */
    private void ensureCompactCapacity(int nnz) {
        int needed = Math.max(1, nnz);
        int capacity = compact == null ? 0 : compact.weight().capacity();
        if (capacity >= needed && capacity <= 2L * needed) {
            return;
        }
        int limit = (int) Math.max(needed, Math.floor(ctx.backend().compactBelowDensity() * rows * cols));
        int fresh = capacity != 0 && needed > capacity ? (int) Math.min(limit, Math.max(needed, 2L * capacity)) : needed;
        compact = allocate(SparseWeight.compact(ctx.arena(), rows, cols, Math.min(fresh, rows * cols)));
    }
}
