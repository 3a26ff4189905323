package dev.topiary.env.mujoco.loco;

import dev.topiary.backend.cpu.CpuBackend;
import dev.topiary.env.Env;
import dev.topiary.env.EnvRegistry;
import dev.topiary.rl.ActionCodec;
import dev.topiary.rl.TrainConfig;
import dev.topiary.rl.Trainer;
import dev.topiary.rl.mrq.MrqAgent;
import dev.topiary.rl.mrq.MrqHyperParameters;
import dev.topiary.run.RunDirectory;
import dev.topiary.sparse.RegimeConfig;
import dev.topiary.sparse.RegimePlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MR.Q with MST (encoder dense, critic RigL, actor static) on topiary/Hopper-v0 at a tiny budget: every loss stays
 * finite and moves, the done predictor's included, since a hopper under a random policy falls every few dozen steps.
 * Not a score: 600 steps teach a hopper nothing.
 */
class LocomotionRunTest {
    private static final long STEPS = 600;

    @Test
    void mstOnTheHopperMovesEveryLossIncludingTheDonePredictors(@TempDir Path run) throws Exception {
        LocomotionTest.assumeMujoco();
        try (Env env = EnvRegistry.make("topiary/Hopper-v0"); Env evalEnv = EnvRegistry.make("topiary/Hopper-v0")) {
            MrqHyperParameters hp = MrqHyperParameters.defaults().withWidthMultiplier(0.0625)
                    .withGeneric(new MrqHyperParameters.Generic(32, 1_000_000, 0.99, 50));
            RegimePlan plan = new RegimePlan("mst", RegimeConfig.dense(), new RegimeConfig.RigL(0.6, 100, 0.3, 0.8),
                    RegimeConfig.staticSparse(0.6));
            TrainConfig cfg = new TrainConfig(STEPS, 200, 300, 1, 50, 0, 1, 17);
            try (MrqAgent agent = new MrqAgent(new CpuBackend(1), env.observationSpace().flatSize(),
                    new ActionCodec(env.actionSpace()), hp, plan, cfg.trainCalls(), (int) STEPS, 17)) {
                new Trainer(cfg, env, evalEnv, agent, RunDirectory.open(run), null).train();
            }
        }
        assertEveryLossIsFiniteAndMoves(run.resolve("metrics.csv"));
    }

    private static void assertEveryLossIsFiniteAndMoves(Path metrics) throws IOException {
        List<String> lines = Files.readAllLines(metrics);
        assertTrue(lines.size() >= 5, "too few metrics rows: " + lines);
        String[] header = lines.get(0).split(",");
        int losses = 0;
        for (int c = 0; c < header.length; c++) {
            if (!header[c].contains("loss")) {
                continue;
            }
            losses++;
            int col = c;
            List<Double> values = lines.stream().skip(1).map(l -> l.split(",", -1)[col])
                    .filter(s -> !s.isEmpty()).map(Double::parseDouble).toList();
            assertTrue(values.size() >= 4, header[c] + " has too few values: " + values);
            for (double v : values) {
                assertTrue(Double.isFinite(v), header[c] + " is not finite: " + values);
            }
            assertTrue(values.stream().distinct().count() > 1, header[c] + " never changed: " + values);
        }
        assertTrue(losses >= 4, "metrics.csv has no loss columns: " + lines.get(0));
    }
}
