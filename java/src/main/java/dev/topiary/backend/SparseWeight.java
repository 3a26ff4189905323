package dev.topiary.backend;

/**
 * The weight matrix {@code W} ({@code rows = fan-out}, {@code cols = fan-in}) of a linear layer {@code Y = X Wᵀ + b},
 * together with its connectivity, in one of three layouts:
 *
 * <ul>
 *   <li>{@link Layout#DENSE}: {@code values} is {@code F32[rows×cols]}; every entry is active; no mask.</li>
 *   <li>{@link Layout#MASKED} (dense-with-mask): {@code values} is {@code F32[rows×cols]} and {@code mask} is
 *       {@code U8[rows×cols]}; inactive entries of {@code values} are exactly zero (an invariant the optimizer keeps).
 *       Costs what a dense layer costs; chosen above the backend's {@link Backend#compactBelowDensity() crossover}.</li>
 *   <li>{@link Layout#COMPACT}: only active entries are stored, ordered by row then column (CSR):
 *       {@code values F32[1×capacity]}, {@code rowPtr I32[1×(rows+1)]}, {@code colIdx I32[1×capacity]}; plus the
 *       transposed index for {@code dX} (CSC): {@code colPtr I32[1×(cols+1)]}, {@code rowIdx I32[1×capacity]},
 *       {@code perm I32[1×capacity]} mapping each CSC position to its CSR position. The first {@link #nnz()}
 *       entries are in use. Gradients and optimizer moments of a compact weight are {@code F32[1×capacity]} aligned
 *       with {@code values}, so AdamW costs scale with density.</li>
 * </ul>
 *
 * <p>Topology updates work on the dense view ({@code values} and {@code mask} as {@code rows×cols}); a compact weight
 * is expanded with {@link SparseOps#expand} and rebuilt with {@link SparseOps#compact}. The active count is exact and
 * known on the host at all times ({@link #nnz()}), so no device round trip is needed to size anything.
 * Checkpoints store the canonical form: dense values plus a mask, whatever the layout.
 */
public final class SparseWeight {

    /** Storage layout of a {@link SparseWeight}. */
    public enum Layout { DENSE, MASKED, COMPACT }

    private final Layout layout;
    private final int rows;
    private final int cols;
    private final int capacity;
    private int nnz;
    private final Tensor values;
    private final Tensor mask;
    private final Tensor rowPtr;
    private final Tensor colIdx;
    private final Tensor colPtr;
    private final Tensor rowIdx;
    private final Tensor perm;

    private SparseWeight(Layout layout, int rows, int cols, int capacity, int nnz, Tensor values, Tensor mask,
                         Tensor rowPtr, Tensor colIdx, Tensor colPtr, Tensor rowIdx, Tensor perm) {
        this.layout = layout;
        this.rows = rows;
        this.cols = cols;
        this.capacity = capacity;
        this.nnz = nnz;
        this.values = values;
        this.mask = mask;
        this.rowPtr = rowPtr;
        this.colIdx = colIdx;
        this.colPtr = colPtr;
        this.rowIdx = rowIdx;
        this.perm = perm;
    }

    /** A fully connected weight (all entries active), zero-filled. */
    public static SparseWeight dense(TensorArena arena, int rows, int cols) {
        checkDims(rows, cols);
        return new SparseWeight(Layout.DENSE, rows, cols, rows * cols, rows * cols, arena.f32(rows, cols), null,
                null, null, null, null, null);
    }

    /** A dense-with-mask weight with an all-zero mask (nothing active); fill it with a topology op. */
    public static SparseWeight masked(TensorArena arena, int rows, int cols) {
        checkDims(rows, cols);
        return new SparseWeight(Layout.MASKED, rows, cols, rows * cols, 0, arena.f32(rows, cols),
                arena.u8(rows, cols), null, null, null, null, null);
    }

    /**
     * A compact weight that can hold up to {@code capacity} active entries; it starts empty (nnz 0) and is filled by
     * {@link SparseOps#compact}.
     */
    public static SparseWeight compact(TensorArena arena, int rows, int cols, int capacity) {
        checkDims(rows, cols);
        if (capacity < 1 || capacity > rows * cols) {
            throw new IllegalArgumentException("compact weight " + rows + "×" + cols + ": capacity " + capacity
                    + " must be in [1, " + rows * cols + "]");
        }
        Tensor rowPtr = arena.i32(1, rows + 1);
        Tensor colPtr = arena.i32(1, cols + 1);
        return new SparseWeight(Layout.COMPACT, rows, cols, capacity, 0, arena.f32(1, capacity), null, rowPtr,
                arena.i32(1, capacity), colPtr, arena.i32(1, capacity), arena.i32(1, capacity));
    }

    private static void checkDims(int rows, int cols) {
        if (rows < 1 || cols < 1 || (long) rows * cols > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("weight shape " + rows + "×" + cols
                    + " must be positive with fewer than 2^31 entries");
        }
    }

    /** A zero tensor shaped like {@link #values()}: for gradients and optimizer moments. */
    public Tensor newAligned(TensorArena arena) {
        return arena.f32(values.rows(), values.cols());
    }

    public Layout layout() {
        return layout;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Entries the value arrays can hold: {@code rows·cols} unless compact. */
    public int capacity() {
        return capacity;
    }

    /** Number of active entries, exact. */
    public int nnz() {
        return nnz;
    }

    /** Fraction of active entries. */
    public double density() {
        return nnz / ((double) rows * cols);
    }

    /** Records a new active count after a topology op or a compaction; only ops and layers call this. */
    public void setNnz(int nnz) {
        if (nnz < 0 || nnz > capacity || (layout == Layout.DENSE && nnz != rows * cols)) {
            throw new IllegalArgumentException("nnz " + nnz + " is invalid for a " + layout + " weight " + rows + "×"
                    + cols + " of capacity " + capacity);
        }
        this.nnz = nnz;
    }

    public Tensor values() {
        return values;
    }

    /** The mask of a {@link Layout#MASKED} weight; null otherwise. */
    public Tensor mask() {
        return mask;
    }

    public Tensor rowPtr() {
        return rowPtr;
    }

    public Tensor colIdx() {
        return colIdx;
    }

    public Tensor colPtr() {
        return colPtr;
    }

    public Tensor rowIdx() {
        return rowIdx;
    }

    public Tensor perm() {
        return perm;
    }

    public String describe() {
        return layout + " weight " + rows + "×" + cols + " (nnz " + nnz + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
