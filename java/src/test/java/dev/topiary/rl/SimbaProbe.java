package dev.topiary.rl;

import dev.topiary.backend.cpu.CpuBackend;
import dev.topiary.env.Env;
import dev.topiary.env.EnvRegistry;
import dev.topiary.rl.ddpg.DdpgAgent;
import dev.topiary.rl.ddpg.DdpgHyperParameters;
import dev.topiary.rl.sac.SacAgent;
import dev.topiary.rl.sac.SacHyperParameters;
import dev.topiary.sparse.RegimePlan;

/** Manual probe: java ... dev.topiary.rl.SimbaProbe sac|ddpg ENV STEPS WARMUP WIDTH BATCH THREADS [SEED]. */
public final class SimbaProbe {
    public static void main(String[] a) {
        String algo = a[0];
        String id = a[1];
        long steps = Long.parseLong(a[2]);
        long warm = Long.parseLong(a[3]);
        double width = Double.parseDouble(a[4]);
        int batch = Integer.parseInt(a[5]);
        long seed = a.length > 7 ? Long.parseLong(a[7]) : 1;
        var backend = new CpuBackend(Integer.parseInt(a[6]));
        Env env = EnvRegistry.make(id);
        Env evalEnv = EnvRegistry.make(id);
        ActionCodec codec = new ActionCodec(env.actionSpace());
        TrainConfig cfg = new TrainConfig(steps, warm, 1000, 5, 500, 0, 1, seed);
        int obsDim = env.observationSpace().flatSize();
        int capacity = (int) steps + 2000;
        Agent agent = algo.equals("sac")
                ? new SacAgent(backend, obsDim, codec, SacHyperParameters.defaults().withWidthMultiplier(width)
                .withBatchSize(batch), RegimePlan.mst(), cfg.trainCalls(), capacity, seed)
                : new DdpgAgent(backend, obsDim, codec, DdpgHyperParameters.defaults().withWidthMultiplier(width)
                .withBatchSize(batch), RegimePlan.mst(), cfg.trainCalls(), capacity, seed);
        try (agent) {
            long t0 = System.nanoTime();
            TrainState s = new Trainer(cfg, env, evalEnv, agent, null, null).train();
            double sec = (System.nanoTime() - t0) / 1e9;
            for (double[] e : s.evals) {
                System.out.printf("step %6.0f  eval %8.1f%n", e[0], e[1]);
            }
            System.out.printf("%.1f s, %.1f ms per train call%n", sec, 1e3 * sec / cfg.trainCalls());
            System.out.println(agent.metrics());
        }
    }
}
