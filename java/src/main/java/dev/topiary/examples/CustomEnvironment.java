package dev.topiary.examples;

import dev.topiary.backend.Backend;
import dev.topiary.backend.BackendChoice;
import dev.topiary.backend.Backends;
import dev.topiary.env.Box;
import dev.topiary.env.Env;
import dev.topiary.env.EnvRegistry;
import dev.topiary.env.EnvSpec;
import dev.topiary.env.ResetResult;
import dev.topiary.env.Space;
import dev.topiary.env.StepResult;
import dev.topiary.rl.Agent;
import dev.topiary.rl.AgentFactory;
import dev.topiary.rl.RunSpec;
import dev.topiary.rl.TrainConfig;
import dev.topiary.rl.TrainState;
import dev.topiary.rl.Trainer;
import dev.topiary.run.RunDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * The public API end to end, on an environment of your own: register it, build an MST MR.Q agent, train it, save
 * it, load it into a fresh agent and call {@code act}. Run it with the JVM flags of {@link dev.topiary.JvmFlags}:
 *
 * <pre>java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp ... \
 *     dev.topiary.examples.CustomEnvironment [steps] [run-dir]</pre>
 */
public final class CustomEnvironment {

    /** A point on a line that must be pushed to the origin: x ← clip(x + 0.1 a), reward −|x|. */
    public static final class PushToOrigin implements Env {
        private SplittableRandom rng = new SplittableRandom(0);
        private double x;

        @Override
        public Space observationSpace() {
            return Box.uniform(-1, 1, 1);
        }

        @Override
        public Space actionSpace() {
            return Box.uniform(-1, 1, 1);
        }

        @Override
        public ResetResult reset(OptionalLong seed, Map<String, ?> options) {
            if (seed.isPresent()) {
                rng = new SplittableRandom(seed.getAsLong());
            }
            x = rng.nextDouble(-1, 1);
            return new ResetResult(new double[]{x}, Map.of());
        }

        @Override
        public StepResult step(double[] action) {
            x = Math.max(-1, Math.min(1, x + 0.1 * action[0]));
            return new StepResult(new double[]{x}, -Math.abs(x), false, false, Map.of());
        }
    }

    public static void main(String[] args) throws Exception {
        long steps = args.length > 0 ? Long.parseLong(args[0]) : 3_000;
        Path runDir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("topiary-example");
        // 1. Register the task (with a 50-step time limit), so every tool can build it by name.
        if (!EnvRegistry.ids().contains("PushToOrigin-v0")) {
            EnvRegistry.register(new EnvSpec("PushToOrigin-v0", PushToOrigin::new, 50, Double.NaN));
        }
        // 2. Describe the run: MR.Q with MST (encoder dense, critic RigL 0.6, actor static 0.6), small networks.
        TrainConfig schedule = new TrainConfig(steps, 500, 1_000, 5, 500, 0, 1, 1);
        RunSpec spec = new RunSpec("mrq", "PushToOrigin-v0", "dense", "rigl:0.6", "static:0.6", 0.125, 64,
                RunSpec.replayFor(steps, 1_000_000), schedule);
        try (Backend backend = Backends.open(BackendChoice.AUTO)) {
            Env env = EnvRegistry.make(spec.env());
            // 3. Train; the run directory gets metrics.csv, evals.csv, curve.png and the final agent in agent/.
            try (Agent agent = AgentFactory.create(spec, backend, env)) {
                RunDirectory run = RunDirectory.open(runDir);
                TrainState s = new Trainer(schedule, env, EnvRegistry.make(spec.env()), agent, run, System.out)
                        .train();
                System.out.printf("trained %d steps; last evaluation %.2f%n", s.step, s.lastEvalMean);
            }
            // 4. Load the saved agent into a fresh one and act with the deterministic policy.
            try (Agent loaded = AgentFactory.create(spec, backend, env)) {
                loaded.load(RunDirectory.open(runDir).agent());
                double[] a = loaded.act(new double[]{0.8}, false);
                System.out.printf("at x = 0.8 the trained policy pushes with a = %.3f (toward the origin: a < 0)%n",
                        a[0]);
            }
        }
    }
}
