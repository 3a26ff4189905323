package dev.topiary.rl;

import dev.topiary.backend.cpu.CpuBackend;
import dev.topiary.env.Env;
import dev.topiary.env.EnvRegistry;
import dev.topiary.rl.mrq.MrqAgent;
import dev.topiary.rl.mrq.MrqHyperParameters;
import dev.topiary.run.RunDirectory;
import dev.topiary.sparse.RegimeConfig;
import dev.topiary.sparse.RegimePlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a run records (diagnostics.csv's dormant ratios and stable ranks at every evaluation, compute.json, metrics,
 * checkpoints) must not change what it computes: the same MR.Q run with a run directory and without one (no records
 * at all) gives bit-identical evaluation returns and final weights. RigL updates (ΔT = 50) fall between evaluations,
 * so a probe that disturbed a mask, a cache or a random stream would show.
 */
class RecordsChangeNoNumbersTest {

    static TrainState train(Path runDir, Path agentOut) {
        Env env = EnvRegistry.make("Pendulum-v1");
        Env evalEnv = EnvRegistry.make("Pendulum-v1");
        MrqHyperParameters hp = MrqHyperParameters.defaults().withWidthMultiplier(0.0625)
                .withGeneric(new MrqHyperParameters.Generic(32, 1_000_000, 0.99, 50));
        RegimePlan plan = new RegimePlan("records", RegimeConfig.dense(), new RegimeConfig.RigL(0.6, 50, 0.3, 0.8),
                RegimeConfig.staticSparse(0.6));
        TrainConfig cfg = new TrainConfig(400, 100, 100, 2, 50, 150, 2, 3);
        try (CpuBackend backend = new CpuBackend(1);
             MrqAgent agent = new MrqAgent(backend, env.observationSpace().flatSize(), new ActionCodec(
                     env.actionSpace()), hp, plan, cfg.trainCalls(), 400, 3)) {
            Trainer t = new Trainer(cfg, env, evalEnv, agent, runDir == null ? null : RunDirectory.open(runDir), null);
            TrainState s = t.train();
            agent.save(agentOut);
            return s;
        }
    }

    @Test
    void aRunWithItsRecordsEqualsTheSameRunWithoutAny(@TempDir Path tmp) throws Exception {
        TrainState recorded = train(tmp.resolve("run"), tmp.resolve("recorded"));
        TrainState bare = train(null, tmp.resolve("bare"));
        assertEquals(5, Files.readAllLines(tmp.resolve("run").resolve("diagnostics.csv")).size(),
                "diagnostics were computed at the four evaluations");
        assertEquals(bare.evals.size(), recorded.evals.size());
        for (int i = 0; i < bare.evals.size(); i++) {
            assertArrayEquals(bare.evals.get(i), recorded.evals.get(i), "evaluation " + i);
        }
        for (String f : List.of(AgentSnapshot.MODULES, AgentSnapshot.REPLAY)) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("bare").resolve(f)),
                    Files.readAllBytes(tmp.resolve("recorded").resolve(f)), f);
        }
    }
}
