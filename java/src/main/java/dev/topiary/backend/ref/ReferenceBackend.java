package dev.topiary.backend.ref;

import dev.topiary.backend.Backend;
import dev.topiary.backend.BlasOps;
import dev.topiary.backend.DType;
import dev.topiary.backend.ElementOps;
import dev.topiary.backend.LossOps;
import dev.topiary.backend.NnOps;
import dev.topiary.backend.OptimOps;
import dev.topiary.backend.RandomOps;
import dev.topiary.backend.ReduceOps;
import dev.topiary.backend.SamplingOps;
import dev.topiary.backend.SparseOps;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import dev.topiary.backend.TopologyOps;

/**
 * The oracle: every op in plain scalar float64 code, written to be obviously right rather than fast. Other backends
 * are tested against it. Tensors live on the Java heap as {@code double[]} (see {@link RefTensor}).
 */
public final class ReferenceBackend implements Backend {
    private final BlasOps blas = new RefBlas(this);
    private final SparseOps sparse = new RefSparse(this);
    private final ElementOps elements = new RefElements(this);
    private final NnOps nn = new RefNn(this);
    private final LossOps losses = new RefLosses(this);
    private final ReduceOps reduce = new RefReduce(this);
    private final TopologyOps topology = new RefTopology(this);
    private final OptimOps optim = new RefOptim(this);
    private final RandomOps random = new RefRandom(this);
    private final SamplingOps sampling = new RefSampling(this);

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public String description() {
        return "reference: scalar float64 oracle, single-threaded";
    }

    @Override
    public TensorArena newArena() {
        return new TensorArena() {
            @Override
            public Tensor allocate(DType dtype, int rows, int cols) {
                return new RefTensor(ReferenceBackend.this, dtype, rows, cols);
            }

            @Override
            public void close() {
                // Heap memory: the garbage collector frees it.
            }
        };
    }

    @Override
    public void sync() {
    }

    @Override
    public double compactBelowDensity() {
        return 0.3;
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
    }
}
