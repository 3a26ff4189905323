package dev.topiary.sparse;

import java.util.List;

/**
 * What one topology update did to each layer it touched. {@code pruned} and {@code grown} count the connections the
 * update selected; a connection dropped and regrown in the same RigL update (it keeps its value) counts in both.
 *
 * @param step the module step after which the update ran
 */
public record TopologyReport(String regime, long step, List<LayerChange> layers) {

    /** One layer's change: active count before, selections, active count after. */
    public record LayerChange(String layer, int rows, int cols, int nnzBefore, int pruned, int grown, int nnzAfter) {

        public double sparsityAfter() {
            return 1 - (double) nnzAfter / ((long) rows * cols);
        }
    }

    public long totalPruned() {
        long n = 0;
        for (LayerChange c : layers) {
            n += c.pruned();
        }
        return n;
    }

    public long totalGrown() {
        long n = 0;
        for (LayerChange c : layers) {
            n += c.grown();
        }
        return n;
    }

    @Override
    public String toString() {
        return regime + " update at step " + step + ": " + totalPruned() + " pruned, " + totalGrown() + " grown over "
                + layers.size() + " layers";
    }
}
