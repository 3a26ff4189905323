package dev.topiary.rl;

import dev.topiary.backend.cpu.CpuBackend;
import dev.topiary.env.Env;
import dev.topiary.env.EnvRegistry;
import dev.topiary.rl.mrq.MrqAgent;
import dev.topiary.rl.mrq.MrqHyperParameters;
import dev.topiary.sparse.RegimePlan;

/** Manual probe: java ... dev.topiary.rl.MrqProbe ENV STEPS WARMUP WIDTH BATCH THREADS. */
public final class MrqProbe {
    public static void main(String[] a) {
        String id = a[0];
        long steps = Long.parseLong(a[1]);
        long warm = Long.parseLong(a[2]);
        double width = Double.parseDouble(a[3]);
        int batch = Integer.parseInt(a[4]);
        var backend = new CpuBackend(Integer.parseInt(a[5]));
        Env env = EnvRegistry.make(id);
        Env evalEnv = EnvRegistry.make(id);
        ActionCodec codec = new ActionCodec(env.actionSpace());
        MrqHyperParameters hp = MrqHyperParameters.defaults().withWidthMultiplier(width);
        hp = hp.withGeneric(new MrqHyperParameters.Generic(batch, 1_000_000, 0.99, 250));
        TrainConfig cfg = new TrainConfig(steps, warm, 1000, 5, 500, 0, 1, 1);
        int obsDim = env.observationSpace().flatSize();
        try (MrqAgent agent = new MrqAgent(backend, obsDim, codec, hp, RegimePlan.mst(), cfg.trainCalls(),
                (int) steps + 1000, 1)) {
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
