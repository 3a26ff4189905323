package dev.topiary.backend.cpu;

import dev.topiary.backend.Backend;
import dev.topiary.backend.BlasOps;
import dev.topiary.backend.ElementOps;
import dev.topiary.backend.LossOps;
import dev.topiary.backend.NnOps;
import dev.topiary.backend.OptimOps;
import dev.topiary.backend.RandomOps;
import dev.topiary.backend.ReduceOps;
import dev.topiary.backend.SamplingOps;
import dev.topiary.backend.SparseOps;
import dev.topiary.backend.TensorArena;
import dev.topiary.backend.TopologyOps;
import jdk.incubator.vector.FloatVector;

/**
 * The CPU backend: float32 kernels on the Vector API (the widest species the CPU has), spread over all cores by a
 * {@link CpuPool}. Ops run synchronously, so {@link #sync()} has nothing to wait for. Results are bit-identical for
 * every thread count, because work is split into pieces of fixed size and partial results are combined in order.
 */
public final class CpuBackend implements Backend {
    /**
     * Density below which the compact layout beats dense-with-mask for a training step of a batch-256 layer,
     * measured by {@code Bench_03_LayerStep} (see {@code bench/results/}).
     */
    static final double COMPACT_BELOW_DENSITY = 0.3;

    private final CpuPool pool;
    private final BlasOps blas = new CpuBlas(this);
    private final SparseOps sparse = new CpuSparse(this);
    private final ElementOps elements = new CpuElements(this);
    private final NnOps nn = new CpuNn(this);
    private final LossOps losses = new CpuLosses(this);
    private final ReduceOps reduce = new CpuReduce(this);
    private final TopologyOps topology = new CpuTopology(this);
    private final OptimOps optim = new CpuOptim(this);
    private final RandomOps random = new CpuRandom(this);
    private final SamplingOps sampling = new CpuSampling(this);

    /** A backend on every available core. */
    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public CpuBackend(int threads) {
        this.pool = new CpuPool(threads);
    }

    public CpuPool pool() {
        return pool;
    }

    public int threads() {
        return pool.threads();
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String description() {
        return "CPU: " + pool.threads() + " threads, Vector API " + FloatVector.SPECIES_PREFERRED.vectorBitSize()
                + "-bit (" + FloatVector.SPECIES_PREFERRED.length() + " float lanes)";
    }

    @Override
    public TensorArena newArena() {
        return new CpuArena(this);
    }

    @Override
    public void sync() {
        // Every op has finished when it returns.
    }

    @Override
    public double compactBelowDensity() {
        return COMPACT_BELOW_DENSITY;
    }

    @Override
    public BlasOps blas() {
        return blas;
    }

    @Override
    public SparseOps sparse() {
        return sparse;
    }

    @Override
    public ElementOps elements() {
        return elements;
    }

    @Override
    public NnOps nn() {
        return nn;
    }

    @Override
    public LossOps losses() {
        return losses;
    }

    @Override
    public ReduceOps reduce() {
        return reduce;
    }

    @Override
    public TopologyOps topology() {
        return topology;
    }

    @Override
    public OptimOps optim() {
        return optim;
    }

    @Override
    public RandomOps random() {
        return random;
    }

    @Override
    public SamplingOps sampling() {
        return sampling;
    }

    @Override
    public void close() {
        pool.close();
    }
}
