package dev.topiary.bench;

import dev.topiary.backend.SparseWeight.Layout;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cuSPARSE side of the grid (GPU only): a COMPACT layer of batch 256 × width × density whose CSR arrays cuSPARSE
 * reads as they are, checked once against our own forward pass before it is timed.
 */
@State(Scope.Benchmark)
public class CsrLayerState {
    @Param({"256", "1024", "4096"})
    public int width;

    @Param({"0.02", "0.05", "0.1", "0.25", "0.4", "0.5", "1.0"})
    public double density;

    LayerFixture f;
    VendorGpu.Cusparse cusparse;

    @Setup(Level.Trial)
    public void setUp() throws Throwable {
        f = new LayerFixture(Layout.COMPACT, width, density);
        f.backend.sparse().forward(f.x, f.w, null, f.y);
        float[] ours = f.y.toFloats();
        cusparse = new VendorGpu.Cusparse(f.backend, f.w, f.x, f.y);
        cusparse.forward();
        double err = Bench_01_DenseGemm.relativeError(ours, f.y.toFloats());
        if (!(err < 1e-4)) {
            throw new IllegalStateException("cuSPARSE SpMM differs from our compact forward: relative error " + err
                    + " at width " + width + ", density " + density);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cusparse.close();
        f.close();
    }
}
