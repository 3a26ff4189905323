package dev.topiary.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bench_40's JMH runs per backend and {@code --param}, and the summary's derived figures and targets. */
class Bench40PresetTest {
    private static final List<String> ALL = List.of("encoderUpdate", "envStep", "valuePolicyUpdate");

    @Test
    void cpuSplitsSmallAndLargeWidthsAndKeepsEnvStepToTheSmallOnes() {
        List<Bench_40_TrainingThroughput.Run> runs = Bench_40_TrainingThroughput.runs(ALL, "cpu", false, Map.of());
        assertEquals(3, runs.size());
        assertArrayEquals(new String[] {"0.25", "1"}, runs.get(0).params().get("width"));
        assertArrayEquals(new String[] {"4", "8"}, runs.get(1).params().get("width"));
        assertArrayEquals(new String[] {"dense", "mst", "mst-d0.1"}, runs.get(1).params().get("regime"));
        assertEquals(List.of("envStep"), runs.get(2).methods());
        assertArrayEquals(new String[] {"0.25", "1"}, runs.get(2).params().get("width"));
        assertArrayEquals(new String[] {"dense", "mst"}, runs.get(2).params().get("regime"));
    }

    @Test
    void aWidthOverrideReplacesThePresetAndDropsEmptyGroups() {
        List<Bench_40_TrainingThroughput.Run> runs = Bench_40_TrainingThroughput.runs(ALL, "cpu", false,
                Map.of("width", new String[] {"0.25"}, "regime", new String[] {"mst"}));
        assertEquals(2, runs.size());
        for (Bench_40_TrainingThroughput.Run r : runs) {
            assertArrayEquals(new String[] {"0.25"}, r.params().get("width"));
            assertArrayEquals(new String[] {"mst"}, r.params().get("regime"));
        }
    }

    @Test
    void gpuRunsEveryWidthInOneGroupAndEmulatedOnlyTheSmallestUpdates() {
        List<Bench_40_TrainingThroughput.Run> gpu = Bench_40_TrainingThroughput.runs(ALL, "cuda", false, Map.of());
        assertEquals(2, gpu.size());
        assertArrayEquals(new String[] {"0.25", "1", "4", "8"}, gpu.get(0).params().get("width"));
        assertArrayEquals(new String[] {"0.25", "1", "4", "8"}, gpu.get(1).params().get("width"));
        List<Bench_40_TrainingThroughput.Run> emu = Bench_40_TrainingThroughput.runs(ALL, "emulated", false,
                Map.of());
        assertEquals(1, emu.size());
        assertEquals(List.of("encoderUpdate", "valuePolicyUpdate"), emu.get(0).methods());
        assertArrayEquals(new String[] {"0.25"}, emu.get(0).params().get("width"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void summaryDerivesTheWholeCallAndJudgesTheX8Targets() {
        List<BenchRecord> rows = new ArrayList<>();
        rows.add(row("encoderUpdate", "8", null, 10));
        rows.add(row("valuePolicyUpdate", "8", "dense", 20));
        rows.add(row("valuePolicyUpdate", "8", "mst", 16));
        rows.add(row("valuePolicyUpdate", "8", "mst-d0.1", 8));
        BenchSummary s = new BenchSummary(rows, true);
        Map<String, Object> t = (Map<String, Object>) s.json().get("trainingThroughput");
        Map<String, Object> x8 = (Map<String, Object>) ((Map<String, Object>) t.get("byWidth")).get("8");
        Map<String, Object> mst = (Map<String, Object>) ((Map<String, Object>) x8.get("regimes")).get("mst");
        assertEquals(26.0, (double) mst.get("wholeMs"), 1e-12);
        assertEquals(1.25, (double) mst.get("valuePolicySpeedupOverDense"), 1e-12);
        assertEquals(30.0 / 26.0, (double) mst.get("wholeSpeedupOverDense"), 1e-12);
        List<Map<String, Object>> targets = (List<Map<String, Object>>) t.get("targets");
        assertEquals("PASS", targets.get(0).get("verdict"));   // 20 / 16 = 1.25 >= 1
        assertEquals("PASS", targets.get(2).get("verdict"));   // 20 / 8 = 2.5 >= 2
        assertEquals(30.0 / 18.0, (double) targets.get(3).get("value"), 1e-12);
        assertTrue(s.text().contains("MR.Q training throughput"));
    }

    private static BenchRecord row(String method, String width, String regime, double ms) {
        Map<String, String> params = new java.util.LinkedHashMap<>();
        params.put("width", width);
        if (regime != null) {
            params.put("regime", regime);
        }
        return BenchRecord.derive("Bench_40_TrainingThroughput", method, params, 1, ms, 0, 3, 1,
                Arrays.asList(ms));
    }
}
