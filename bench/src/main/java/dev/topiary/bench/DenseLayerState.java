package dev.topiary.bench;

import dev.topiary.backend.SparseWeight.Layout;
import dev.topiary.baseline.OpenBlas;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The dense reference line of the grid: a fully connected batch-256 layer of the same width (density does not
 * apply), and OpenBLAS on the same tensors when installed.
 */
@State(Scope.Benchmark)
public class DenseLayerState {
    @Param({"256", "1024", "4096"})
    public int width;

    LayerFixture f;
    OpenBlas openBlas;

    @Setup(Level.Trial)
    public void setUp() {
        f = new LayerFixture(Layout.DENSE, width, 1.0);
        f.backend.sparse().backwardWeight(f.dy, f.x, f.w, 0f, f.dw);
        OpenBlas.Result loaded = OpenBlas.load();
        if (loaded.available()) {
            openBlas = loaded.require();
            openBlas.setThreads(Runtime.getRuntime().availableProcessors());
        }
    }

    OpenBlas openBlas() {
        if (openBlas == null) {
            throw new IllegalStateException("OpenBLAS unavailable: " + OpenBlas.load().reasons());
        }
        return openBlas;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        f.close();
    }
}
