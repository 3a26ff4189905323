package dev.topiary.cli;

import dev.topiary.backend.Backend;
import dev.topiary.env.Env;
import dev.topiary.env.EnvRegistry;
import dev.topiary.rl.ActionCodec;
import dev.topiary.rl.Agent;
import dev.topiary.rl.AgentFactory;
import dev.topiary.rl.Evaluation;
import dev.topiary.rl.RunCheckpoints;
import dev.topiary.rl.RunSpec;
import dev.topiary.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** {@code topiary eval}: deterministic episodes of a trained agent, from a run's final agent or a checkpoint. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Loads an agent from a run directory and plays deterministic episodes (no exploration noise), "
                + "printing each return, their mean and standard deviation.",
                "Example:  topiary eval runs/Pendulum-v1-mrq-mst-seed0"})
final class EvalCommand implements Runnable {

    @Parameters(paramLabel = "RUN_DIR", description = "A run directory written by 'topiary train'.")
    Path runDir;

    @Option(names = "--checkpoint", paramLabel = "WHICH", defaultValue = "final", description = "final (the agent "
            + "saved when the run finished), latest (the newest checkpoint), or a step number of checkpoints/. "
            + "Default: ${DEFAULT-VALUE}.")
    String checkpoint;

    @Option(names = "--episodes", paramLabel = "N", defaultValue = "10", description = "Episodes to play. "
            + "Default: ${DEFAULT-VALUE}.")
    int episodes;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the evaluation environment (default: the "
            + "run's seed + 100, as evaluation during training).")
    Long seed;

    @Mixin
    BackendOptions backendOptions;

    @Override
    public void run() {
        if (episodes < 1) {
            throw new IllegalArgumentException("--episodes " + episodes + " must be ≥ 1");
        }
        RunSpec spec = TrainCommand.readSpec(runDir);
        Path agentDir = agentFolder(RunDirectory.open(runDir));
        try (Backend backend = backendOptions.open()) {
            Env env = EnvRegistry.make(spec.env());
            try (Agent agent = AgentFactory.create(spec, backend, env)) {
                agent.load(agentDir);
                env.reset(seed != null ? seed : spec.schedule().seed() + 100);
                double[] returns = Evaluation.run(agent, env, new ActionCodec(env.actionSpace()), episodes);
                double mean = Evaluation.mean(returns);
                double var = 0;
                for (int i = 0; i < returns.length; i++) {
                    System.out.printf(Locale.ROOT, "episode %3d  return %10.2f%n", i + 1, returns[i]);
                    var += (returns[i] - mean) * (returns[i] - mean);
                }
                System.out.printf(Locale.ROOT, "%s on %s from %s: mean return %.2f ± %.2f over %d episodes%n",
                        spec.algorithm(), spec.env(), agentDir, mean, Math.sqrt(var / returns.length), episodes);
            }
        }
    }

    private Path agentFolder(RunDirectory run) {
        RunCheckpoints cps = new RunCheckpoints(run, Integer.MAX_VALUE);
        Path dir = switch (checkpoint) {
            case "final" -> run.agent();
            case "latest" -> cps.latest().map(p -> p.resolve("agent")).orElseThrow(() -> new IllegalArgumentException(
                    run.root() + " has no checkpoints yet; use --checkpoint final once the run has finished"));
            default -> {
                long step;
                try {
                    step = Long.parseLong(checkpoint);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--checkpoint '" + checkpoint + "' must be final, latest or a "
                            + "step number");
                }
                yield run.checkpoints().resolve(String.format("step-%012d", step)).resolve("agent");
            }
        };
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no agent at " + dir + (checkpoint.equals("final")
                    ? " (the run has not finished; try --checkpoint latest)" : "; checkpoints: " + cps.list()));
        }
        return dir;
    }
}
