package dev.topiary.backend.kernel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The instantiated graphs of each graphed step, by step key and segment index, and what replaying them cost. A
 * recorded segment whose node sequence matches a cached graph (same kernels, same copies) replays it after updating
 * only the kernel nodes whose launch or arguments changed (a step counter, a reward scale, a pointer); any other
 * sequence is instantiated and cached beside the others, a few per segment, so a step that alternates between two
 * shapes (a topology update every ΔT steps) does not rebuild each time. Segments of one node run eagerly: a graph
 * would only add to their cost.
 */
final class StepGraphs implements AutoCloseable {
    /** Graphs kept per step segment before the least recently used one is dropped. */
    static final int KEPT_PER_SEGMENT = 4;

    private final Map<String, List<List<Cached>>> cache = new HashMap<>();
    private final Counters counters = new Counters();

    private static final class Cached {
        final DeviceGraph graph;
        final List<GraphNode> nodes;

        Cached(DeviceGraph graph, List<GraphNode> nodes) {
            this.graph = graph;
            this.nodes = new ArrayList<>(nodes);
        }

        boolean matches(List<GraphNode> recorded) {
            if (recorded.size() != nodes.size()) {
                return false;
            }
            for (int i = 0; i < nodes.size(); i++) {
                if (!nodes.get(i).sameStructure(recorded.get(i))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Totals since the backend opened: graph builds, graph launches, node updates, eager nodes. */
    static final class Counters {
        long segments;
        long builds;
        long launches;
        long nodesLaunched;
        long nodeUpdates;
        long eagerNodes;

        Map<String, Long> asMap() {
            Map<String, Long> m = new LinkedHashMap<>();
            m.put("segments", segments);
            m.put("graph_builds", builds);
            m.put("graph_launches", launches);
            m.put("graph_nodes_launched", nodesLaunched);
            m.put("node_updates", nodeUpdates);
            m.put("eager_nodes", eagerNodes);
            return m;
        }
    }

    Counters counters() {
        return counters;
    }

    /** Runs {@code recorded}, segment {@code segment} of step {@code key}, on {@code device} through a graph. */
    void submit(Device device, String key, int segment, List<GraphNode> recorded) {
        counters.segments++;
        if (recorded.size() == 1) {
            counters.eagerNodes++;
            recorded.get(0).runOn(device);
            return;
        }
        List<List<Cached>> segments = cache.computeIfAbsent(key, k -> new ArrayList<>());
        while (segments.size() <= segment) {
            segments.add(new ArrayList<>());
        }
        List<Cached> kept = segments.get(segment);
        Cached hit = null;
        for (int i = 0; i < kept.size() && hit == null; i++) {
            if (kept.get(i).matches(recorded)) {
                hit = kept.remove(i);
            }
        }
        if (hit == null) {
            hit = new Cached(device.instantiate(recorded), recorded);
            counters.builds++;
            if (kept.size() == KEPT_PER_SEGMENT) {
                kept.remove(kept.size() - 1).graph.close();
            }
        } else {
            for (int i = 0; i < recorded.size(); i++) {
                GraphNode now = recorded.get(i);
                if (!hit.nodes.get(i).sameParameters(now)) {
                    hit.graph.update(i, now);
                    hit.nodes.set(i, now);
                    counters.nodeUpdates++;
                }
            }
        }
        kept.add(0, hit);
        hit.graph.launch();
        counters.launches++;
        counters.nodesLaunched += recorded.size();
    }

    @Override
    public void close() {
        for (List<List<Cached>> segments : cache.values()) {
            for (List<Cached> kept : segments) {
                for (Cached c : kept) {
                    c.graph.close();
                }
            }
        }
        cache.clear();
    }
}
