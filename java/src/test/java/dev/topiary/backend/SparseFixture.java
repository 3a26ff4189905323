package dev.topiary.backend;

import java.util.SplittableRandom;

/**
 * One random sparse layer (weights, mask, inputs, gradients) as host arrays, and the means to build it on any
 * backend in any layout. Shared by the sparse parity and gradient tests.
 */
final class SparseFixture {
    /** Density value meaning "exactly one active entry". */
    static final double ONE = -1;

    final SparseWeight.Layout layout;
    final int batch;
    final int out;
    final int in;
    final byte[] mask;
    final int nnz;
    final float[] values;
    final float[] x;
    final float[] dy;
    final float[] bias;
    final long seed;

    private SparseFixture(SparseFixture f) {
        this.layout = f.layout;
        this.batch = f.batch;
        this.out = f.out;
        this.in = f.in;
        this.seed = f.seed;
        this.mask = f.mask;
        this.nnz = f.nnz;
        this.values = abs(f.values);
        this.x = abs(f.x);
        this.dy = abs(f.dy);
        this.bias = abs(f.bias);
    }

    /**
     * The same layer with every value replaced by its magnitude: its products are the sums of |terms| that bound the
     * rounding error of each output (the condition scale), however much the signed terms cancel.
     */
    SparseFixture magnitudes() {
        return new SparseFixture(this);
    }

    private static float[] abs(float[] a) {
        float[] b = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Math.abs(a[i]);
        }
        return b;
    }

    SparseFixture(SparseWeight.Layout layout, int batch, int out, int in, double density, long seed) {
        this.layout = layout;
        this.batch = batch;
        this.out = out;
        this.in = in;
        this.seed = seed;
        SplittableRandom r = new SplittableRandom(seed);
        if (layout == SparseWeight.Layout.DENSE || density >= 1) {
            mask = new byte[out * in];
            java.util.Arrays.fill(mask, (byte) 1);
        } else if (density == ONE) {
            mask = new byte[out * in];
            mask[r.nextInt(out * in)] = 1;
        } else {
            mask = Parity.mask(r, out * in, density);
        }
        int count = 0;
        for (byte b : mask) {
            count += b;
        }
        nnz = count;
        values = grid(r, out * in);
        for (int i = 0; i < values.length; i++) {
            values[i] = mask[i] != 0 ? values[i] : 0f;
        }
        x = grid(r, batch * in);
        dy = grid(r, batch * out);
        bias = grid(r, out);
    }

    /**
     * Uniform values in (−1, 1) on a grid of 2⁻¹², so adding or subtracting a power-of-two step of 2⁻¹⁰ stays exact
     * in float32 (the finite-difference tests rely on it).
     */
    static float[] grid(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (r.nextInt(8191) - 4095) / 4096f;
        }
        return a;
    }

    String describe() {
        return layout + " batch " + batch + " out " + out + " in " + in + " nnz " + nnz + " seed " + seed;
    }

    /** The weight on backend {@code be}: compact ones with room for 3 more entries than needed (unused tail). */
    SparseWeight weight(Backend be, TensorArena arena) {
        return weight(be, arena, values);
    }

    SparseWeight weight(Backend be, TensorArena arena, float[] vals) {
        switch (layout) {
            case DENSE -> {
                SparseWeight w = SparseWeight.dense(arena, out, in);
                w.values().copyFrom(vals);
                return w;
            }
            case MASKED -> {
                SparseWeight w = SparseWeight.masked(arena, out, in);
                w.values().copyFrom(vals);
                w.mask().copyFrom(mask);
                w.setNnz(nnz);
                return w;
            }
            default -> {
                SparseWeight w = SparseWeight.compact(arena, out, in, Math.min(out * in, Math.max(1, nnz + 3)));
                Tensor m = arena.u8(out, in);
                m.copyFrom(mask);
                be.sparse().compact(arena.f32(out, in, vals), m, nnz, w, null, null);
                return w;
            }
        }
    }
}
