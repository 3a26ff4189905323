package dev.topiary.bench;

import dev.topiary.backend.SparseWeight.Layout;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** The sparse side of the grid: batch 256 × width × density, in the MASKED or the COMPACT layout. */
@State(Scope.Benchmark)
public class SparseLayerState {
    @Param({"256", "1024", "4096"})
    public int width;

    @Param({"0.02", "0.05", "0.1", "0.25", "0.4", "0.5", "1.0"})
    public double density;

    @Param({"MASKED", "COMPACT"})
    public String layout;

    LayerFixture f;

    @Setup(Level.Trial)
    public void setUp() {
        f = new LayerFixture(Layout.valueOf(layout), width, density);
        f.backend.sparse().backwardWeight(f.dy, f.x, f.w, 0f, f.dw);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        f.close();
    }
}
