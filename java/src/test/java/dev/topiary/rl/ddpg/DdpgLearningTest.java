package dev.topiary.rl.ddpg;

import dev.topiary.backend.cpu.CpuBackend;
import dev.topiary.env.Env;
import dev.topiary.env.EnvRegistry;
import dev.topiary.rl.ActionCodec;
import dev.topiary.rl.TrainConfig;
import dev.topiary.rl.TrainState;
import dev.topiary.rl.Trainer;
import dev.topiary.sparse.RegimePlan;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SimBa DDPG with MST (critic RigL 0.6, actor static 0.6) learns Pendulum on the CPU backend (2 threads) with
 * CI-sized settings: width ×0.25 (critic 128 × 2 blocks, actor 32 × 1 block), batch 256, 1,000 warm-up steps, a cap
 * of 4,000 steps (3,000 training calls, 6,000 updates at UTD 2), and the paper's other settings (AdamW lr 1e-4 and
 * wd 1e-2, τ 0.005, exploration noise 0.1, observation normalisation).
 */
class DdpgLearningTest {

    @Test
    void mstDdpgSolvesPendulumWithin4000Steps() {
        Env env = EnvRegistry.make("Pendulum-v1");
        Env evalEnv = EnvRegistry.make("Pendulum-v1");
        DdpgHyperParameters hp = DdpgHyperParameters.defaults().withWidthMultiplier(0.25);
        TrainConfig cfg = new TrainConfig(4_000, 1_000, 1_000, 10, 500, 0, 1, 1);
        try (CpuBackend backend = new CpuBackend(2);
             DdpgAgent agent = new DdpgAgent(backend, env.observationSpace().flatSize(),
                     new ActionCodec(env.actionSpace()), hp, RegimePlan.mst(), cfg.trainCalls(), 6_000, 1)) {
            long t0 = System.nanoTime();
            TrainState s = new Trainer(cfg, env, evalEnv, agent, null, null).train();
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(0.4, agent.metrics().get("density/critic"), 0.01, "the critic trained sparse");
            assertEquals(0.4, agent.metrics().get("density/actor"), 0.03, "the actor trained sparse");
            String history = Arrays.toString(s.evals.stream().mapToDouble(e -> Math.round(e[1] * 10) / 10.0)
                    .toArray());
            System.out.printf("DDPG with MST on Pendulum-v1: evaluations %s (every 1,000 steps), %.1f s%n",
                    history, seconds);
            // A random policy scores about −1200; −250 is a swing-up held upright from most starts.
            assertTrue(s.lastEvalMean > -250, "final mean evaluation return " + s.lastEvalMean + ", history "
                    + history);
        }
    }
}
