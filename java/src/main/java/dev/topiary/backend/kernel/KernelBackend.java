package dev.topiary.backend.kernel;

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

/**
 * A backend whose every op launches the project's kernels ({@code kernels/*.cu}) on a {@link Device}: the CUDA
 * backend on a GPU, and the same host code over the emulated kernels in CI. Sharing the host code means the
 * emulated parity tests exercise exactly the launch logic a GPU runs.
 */
public final class KernelBackend implements Backend {
    /** System property: {@code false} runs {@link #graphed} steps op by op (to compare, or to debug a kernel). */
    public static final String GRAPHS_PROPERTY = "topiary.graphs";

    private final String name;
    private final Device device;
    private final CapturingDevice stream;
    private final StepGraphs graphs = new StepGraphs();
    private boolean graphsOn = !"false".equals(System.getProperty(GRAPHS_PROPERTY));
    private final int blockSize;
    private final double compactBelowDensity;
    private final KernelBlas blas;
    private final KernelSparse sparse;
    private final ElementOps elements = new KernelElements(this);
    private final NnOps nn = new KernelNn(this);
    private final LossOps losses = new KernelLosses(this);
    private final ReduceOps reduce = new KernelReduce(this);
    private final TopologyOps topology = new KernelTopology(this);
    private final OptimOps optim = new KernelOptim(this);
    private final RandomOps random = new KernelRandom(this);
    private final SamplingOps sampling = new KernelSampling(this);

    /**
     * @param blockSize threads per block for the one-dimensional kernels (a multiple of 32, at most 1024); tests
     *                  run several to catch kernels that assume one
     */
    public KernelBackend(String name, Device device, int blockSize, double compactBelowDensity) {
        if (blockSize < 32 || blockSize > 1024 || blockSize % 32 != 0) {
            throw new IllegalArgumentException("block size " + blockSize + " must be a multiple of 32 in [32, 1024]");
        }
        this.name = name;
        this.device = device;
        this.stream = new CapturingDevice(device, graphs);
        this.blockSize = blockSize;
        this.compactBelowDensity = compactBelowDensity;
        // After the device: these two keep device scratch buffers.
        this.blas = new KernelBlas(this);
        this.sparse = new KernelSparse(this);
    }

    /** The emulated-kernel backend over the library at {@code EmuDevice.configuredLibrary()}. */
    public static KernelBackend emulated(int blockSize) {
        java.nio.file.Path lib = EmuDevice.configuredLibrary();
        if (lib == null) {
            throw new IllegalStateException("no emulated-kernel library configured: set -D"
                    + EmuDevice.LIBRARY_PROPERTY + "=<path to libtopiary_emu.so>");
        }
        return new KernelBackend("emulated", EmuDevice.open(lib), blockSize, 0.3);
    }

    /** The device the kernels run on. */
    public Device device() {
        return device;
    }

    /** The device as the ops issue to it: recording inside a graphed step, the device itself outside. */
    Device stream() {
        return stream;
    }

    /** Whether {@link #graphed} steps run as device graphs (the default; see {@link #GRAPHS_PROPERTY}). */
    public boolean graphsOn() {
        return graphsOn;
    }

    public void useGraphs(boolean on) {
        if (stream.recording()) {
            throw new IllegalStateException("cannot switch graphs on or off inside a graphed step");
        }
        graphsOn = on;
    }

    @Override
    public void graphed(String key, Runnable step) {
        if (!graphsOn || stream.recording()) {
            step.run();
            return;
        }
        stream.begin(key);
        boolean ok = false;
        try {
            step.run();
            ok = true;
        } finally {
            stream.end(ok);
        }
    }

    @Override
    public java.util.Map<String, Long> graphCounters() {
        return graphs.counters().asMap();
    }

    public int blockSize() {
        return blockSize;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return name + ": " + device.description() + ", " + blockSize + " threads per block, "
                + (blas.tf32() ? "TF32 GEMMs" : "fp32 GEMMs") + ", graphed steps " + (graphsOn ? "on" : "off");
    }

    @Override
    public TensorArena newArena() {
        return new KernelArena(this, stream);
    }

    @Override
    public void sync() {
        stream.sync();
    }

    @Override
    public double compactBelowDensity() {
        return compactBelowDensity;
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
        blas.close();
        sparse.close();
        stream.close();
    }
}
