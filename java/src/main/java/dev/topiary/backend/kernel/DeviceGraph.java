package dev.topiary.backend.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * An instantiated graph of stream operations ({@link Device#instantiate}): launched as one unit on the device's
 * stream, in the order recorded, with each kernel node's arguments as last set. On a GPU this is a CUDA graph, whose
 * launch costs one driver call however many nodes it has; elsewhere ({@link Replayed}) the nodes run one by one with
 * the same by-value argument semantics, so a graph that misses an argument update gives the same wrong answer.
 */
public interface DeviceGraph extends AutoCloseable {

    /** Sets kernel node {@code index}'s launch configuration and arguments (same kernel) for later launches. */
    void update(int index, GraphNode node);

    /** Queues the whole graph on the device's stream. */
    void launch();

    @Override
    void close();

    /** The portable graph: the recorded nodes, re-run in order on the device at each launch. */
    final class Replayed implements DeviceGraph {
        private final Device device;
        private final List<GraphNode> nodes;

        Replayed(Device device, List<GraphNode> nodes) {
            this.device = device;
            this.nodes = new ArrayList<>(nodes);
        }

        @Override
        public void update(int index, GraphNode node) {
            if (!nodes.get(index).sameStructure(node)) {
                throw new IllegalArgumentException("graph node " + index + " is " + nodes.get(index)
                        + "; an update cannot make it " + node);
            }
            nodes.set(index, node);
        }

        @Override
        public void launch() {
            for (GraphNode n : nodes) {
                n.runOn(device);
            }
        }

        @Override
        public void close() {
        }
    }
}
