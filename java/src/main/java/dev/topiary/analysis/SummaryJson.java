package dev.topiary.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * {@code summary.json}: the same numbers as {@code summary.csv}, with the settings that produced them, for scripts
 * that compare analyses. Values a group lacks (no run recorded them) are {@code null}, never a made-up zero.
 */
final class SummaryJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SummaryJson() {
    }

    static String of(List<GroupSummary> summaries, GroupSummary.Options o) {
        ObjectNode root = JSON.createObjectNode();
        root.put("last_k", o.lastK());
        root.put("replicates", o.replicates());
        root.put("bootstrap_seed", o.seed());
        ArrayNode groups = root.putArray("groups");
        for (GroupSummary s : summaries) {
            ObjectNode g = groups.addObject();
            g.put("task", s.task());
            g.put("algorithm", s.algorithm());
            g.put("regime", s.label());
            g.put("width", s.width());
            g.put("runs", s.runs().size());
            g.put("partial", s.partial());
            g.put("compute_from_partial_runs", s.computeFromPartial());
            estimate(g.putObject("final_return"), s.finalReturn());
            estimate(g.putObject("auc"), s.auc());
            number(g, "params_total", s.paramsTotal());
            number(g, "params_active", s.paramsActive());
            number(g, "flops_per_step_dense", s.flopsPerCallDense());
            number(g, "flops_per_step_actual", s.flopsPerCallActual());
            number(g, "train_flops_dense", s.trainFlopsDense());
            number(g, "train_flops_actual", s.trainFlopsActual());
            number(g, "peak_rss_mb", s.peakRssMb());
            number(g, "wall_clock_s", s.wallClockSeconds());
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write summary.json: " + e.getMessage(), e);
        }
    }

    private static void estimate(ObjectNode o, Stats.Estimate e) {
        number(o, "iqm", e.value());
        number(o, "lo", e.lo());
        number(o, "hi", e.hi());
        o.put("n", e.n());
    }

    private static void number(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }
}
