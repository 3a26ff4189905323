package dev.topiary.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Run directories written in the real formats (config.json, sweep.json, evals.csv, diagnostics.csv, compute.json,
 * DONE) with numbers chosen so the tests can work the statistics out by hand.
 */
final class SyntheticRuns {
    private SyntheticRuns() {
    }

    /** A run whose evaluations at steps 100, 200, 300 are {@code returns}. */
    static Path run(Path tmp, String name, String task, String label, double width, long seed, boolean done,
                    double params, double active, double... returns) throws IOException {
        Path d = Files.createDirectories(tmp.resolve("sweep/runs/" + name));
        Files.writeString(d.resolve("config.json"), String.format(Locale.ROOT, """
                {"config": {"algorithm": "mrq", "env": "%s", "encoderRegime": "dense", "criticRegime": "rigl:0.6:1000",
                 "actorRegime": "static:0.6", "widthMultiplier": %s, "schedule": {"totalSteps": 300, "warmupSteps": 50,
                 "evalInterval": 100, "evalEpisodes": 5, "seed": %d}}, "provenance": {}}
                """, task, width, seed));
        Files.writeString(d.resolve("sweep.json"), "{\"sweep\": \"t\", \"label\": \"" + label + "\"}");
        StringBuilder evals = new StringBuilder("step,wall_time,mean,std,min,max\n");
        StringBuilder diag = new StringBuilder("step,wall_time,dormant_0.1/critic,srank/critic\n");
        for (int i = 0; i < returns.length; i++) {
            evals.append(String.format(Locale.ROOT, "%d,%d,%s,0,%s,%s%n", 100 * (i + 1), i, returns[i], returns[i],
                    returns[i]));
            diag.append(String.format(Locale.ROOT, "%d,%d,%s,%s%n", 100 * (i + 1), i, 0.1 * seed, 10 + i));
        }
        Files.writeString(d.resolve("evals.csv"), evals);
        Files.writeString(d.resolve("diagnostics.csv"), diag);
        Files.writeString(d.resolve("compute.json"), String.format(Locale.ROOT, """
                {"params_total": %s, "params_active": %s, "flops_per_call_dense": 1.0E6, "flops_per_call_actual": 4.0E5,
                 "train_flops_dense": 2.0E8, "train_flops_actual": 8.0E7, "peak_rss_bytes": 104857600,
                 "wall_clock_s": %d, "updates_per_call": 1}
                """, params, active, 60 + seed));
        if (done) {
            Files.writeString(d.resolve("DONE"), "");
        }
        return d;
    }

    /** The hand sweep: regimes mst and dense at width 1, mst at width 2 whose seed 3 is unfinished; 4 seeds each. */
    static void sweep(Path tmp) throws IOException {
        double[] finals = {-100, -300, -200, -900};
        for (int s = 0; s < 4; s++) {
            run(tmp, "mst-w1-s" + s, "T", "mst", 1, s, true, 1000, 400, -1000, -500, finals[s]);
            run(tmp, "dense-w1-s" + s, "T", "dense", 1, s, true, 1000, 1000, -1200, -800, finals[s] - 50);
            run(tmp, "mst-w2-s" + s, "T", "mst", 2, s, s != 3, 4000, 1600, -900, -400, finals[s] + 50);
        }
    }

    /** A manifest.json in {@code tmp/sweep} planning {@code runs} runs, with {@code notes}. */
    static void manifest(Path tmp, String notes, int runs) throws IOException {
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < runs; i++) {
            list.append(i == 0 ? "" : ",").append("{\"index\": ").append(i).append('}');
        }
        Files.writeString(tmp.resolve("sweep/manifest.json"), "{\"format\": 1, \"sweep\": \"hand\", \"notes\": "
                + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(notes) + ", \"runs\": ["
                + list + "]}\n");
    }
}
