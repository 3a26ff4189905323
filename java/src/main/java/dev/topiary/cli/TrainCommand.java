package dev.topiary.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.backend.Backend;
import dev.topiary.env.Env;
import dev.topiary.env.EnvRegistry;
import dev.topiary.rl.Agent;
import dev.topiary.rl.AgentFactory;
import dev.topiary.rl.RunSpec;
import dev.topiary.rl.TrainConfig;
import dev.topiary.rl.Trainer;
import dev.topiary.run.ConfigFile;
import dev.topiary.run.Provenance;
import dev.topiary.run.RunDirectory;
import dev.topiary.sparse.RegimePlan;
import dev.topiary.sparse.RegimeSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** {@code topiary train}: one training run into a run directory, fresh or resumed. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains an agent and writes a run directory: config.json (resolved settings and provenance), "
                + "metrics.csv, evals.csv, TensorBoard events in tb/, checkpoints/, the final agent in agent/, "
                + "curve.png and DONE.",
                "Every option is checked before any work. Defaults are MR.Q's (spec §4.3) with MST: encoder dense, "
                        + "critic RigL at sparsity 0.6, actor static at 0.6; MR.Q's architecture types (encoder "
                        + "and critic type4, actor type3).",
                "Example, a few minutes on 2 CPU cores:  topiary train --quick"})
final class TrainCommand implements Runnable {

    @Option(names = "--quick", description = "The quick job: MR.Q with MST on Pendulum-v1, width x0.25, 5,000 steps "
            + "with 1,000 warm-up steps, 5 evaluation episodes every 1,000 steps. Options given explicitly still win.")
    boolean quick;

    @Option(names = "--algo", paramLabel = "NAME", description = "Algorithm: mrq, sac or ddpg (default: mrq).")
    String algo;

    @Option(names = "--env", paramLabel = "ID", description = "Environment id, e.g. Pendulum-v1, CartPole-v1, "
            + "MountainCarContinuous-v0, Acrobot-v1, or with MuJoCo humanoid-stand, humanoid-walk, humanoid-run, "
            + "topiary/Hopper-v0, topiary/Walker2d-v0, topiary/HalfCheetah-v0, and on a dm_control installation "
            + "(TOPIARY_DM_CONTROL) dm_control/humanoid-stand|walk|run and dm_control/dog-stand|walk|trot|run "
            + "(default: Pendulum-v1).")
    String env;

    @Option(names = "--regime", paramLabel = "PRESET", description = "Regimes of all modules: mst (default), or one "
            + "regime for every module: " + RegimeSpec.FORMS + ".")
    String regime;

    @Option(names = "--encoder-regime", paramLabel = "SPEC", description = "Overrides the encoder's regime (MR.Q only).")
    String encoderRegime;

    @Option(names = "--critic-regime", paramLabel = "SPEC", description = "Overrides the critic's (value) regime.")
    String criticRegime;

    @Option(names = "--actor-regime", paramLabel = "SPEC", description = "Overrides the actor's (policy) regime.")
    String actorRegime;

    @Option(names = "--encoder-arch", paramLabel = "TYPE", description = "Architecture type of the encoder (MR.Q "
            + "only): type1 to type6 or 1 to 6, i.e. ReLU or ELU, each plain (1, 2), with LayerNorm (3, 4) or with "
            + "LayerNorm and pre-layer residuals (5, 6) (default: type4, MR.Q's ELU + LayerNorm).")
    String encoderArch;

    @Option(names = "--critic-arch", paramLabel = "TYPE", description = "Architecture type of the critic (value), "
            + "type1 to type6 or 1 to 6 as for --encoder-arch (MR.Q only; default: type4, MR.Q's ELU + LayerNorm).")
    String criticArch;

    @Option(names = "--actor-arch", paramLabel = "TYPE", description = "Architecture type of the actor (policy), "
            + "type1 to type6 or 1 to 6 as for --encoder-arch (MR.Q only; default: type3, MR.Q's ReLU + LayerNorm).")
    String actorArch;

    @Option(names = "--steps", paramLabel = "N", description = "Environment steps of the run (default: 100,000).")
    Long steps;

    @Option(names = "--warmup", paramLabel = "N", description = "Initial steps with uniformly random actions and no "
            + "training (default: 10,000 for MR.Q, 5,000 for SAC and DDPG, as their papers).")
    Long warmup;

    @Option(names = "--width", paramLabel = "M", description = "Width multiplier of every hidden layer (default: 1, "
            + "the algorithm's default networks).")
    Double width;

    @Option(names = "--batch", paramLabel = "N", description = "Minibatch size (default: 256).")
    Integer batch;

    @Option(names = "--eval-interval", paramLabel = "N", description = "Steps between evaluations; 0 evaluates only at "
            + "the end (default: 5,000).")
    Long evalInterval;

    @Option(names = "--eval-episodes", paramLabel = "N", description = "Deterministic episodes per evaluation, on an "
            + "environment seeded seed + 100 (default: 10).")
    Integer evalEpisodes;

    @Option(names = "--log-interval", paramLabel = "N", description = "Steps between rows of metrics.csv "
            + "(default: 1,000).")
    Long logInterval;

    @Option(names = "--checkpoint-interval", paramLabel = "N", description = "Steps between checkpoints; 0 for none "
            + "(default: 50,000).")
    Long checkpointInterval;

    @Option(names = "--keep-checkpoints", paramLabel = "N", description = "Checkpoints kept, newest first "
            + "(default: 2).")
    Integer keepCheckpoints;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the run: networks, masks, replay, noise and the "
            + "environment (default: 0).")
    Long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory to create (default: "
            + "runs/<env>-<algo>-<regime>-seed<seed>). It must not hold a run already.")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continues the run in DIR from its newest "
            + "checkpoint, with the settings in its config.json (other run options are not allowed).")
    Path resume;

    @Mixin
    BackendOptions backendOptions;

    @Override
    public void run() {
        if (resume != null) {
            resumeRun();
            return;
        }
        RunSpec spec = resolve();
        RunDirectory run = RunDirectory.open(freshDirectory(spec));
        try (Backend backend = backendOptions.open()) {
            Env trainEnv = EnvRegistry.make(spec.env());
            Env evalEnv = EnvRegistry.make(spec.env());
            ConfigFile.write(run.config(), spec, Provenance.collect(backend));
            System.out.printf("topiary train: %s on %s, regimes %s%s, %s; run directory %s%n", spec.algorithm(),
                    spec.env(), spec.plan().name(), spec.defaultArchitecture() ? ""
                            : ", architecture types " + spec.architectureLabel(), backend.description(), run.root());
            try (Agent agent = AgentFactory.create(spec, backend, trainEnv)) {
                new Trainer(spec.schedule(), trainEnv, evalEnv, agent, run, System.out).train();
            }
        }
    }

    /** The run spec from the options: explicit options, else the --quick job's, else the defaults. */
    RunSpec resolve() {
        String envId = pick(env, quick ? "Pendulum-v1" : null, "Pendulum-v1");
        EnvRegistry.spec(envId);
        long total = pick(steps, quick ? 5_000L : null, 100_000L);
        String algorithm = pick(algo, null, "mrq");
        long warm = pick(warmup, quick ? 1_000L : null, algorithm.equals("mrq") ? 10_000L : 5_000L);
        long seedValue = pick(seed, null, 0L);
        TrainConfig schedule = new TrainConfig(total, warm, pick(evalInterval, quick ? 1_000L : null, 5_000L),
                pick(evalEpisodes, quick ? 5 : null, 10), pick(logInterval, quick ? 250L : null, 1_000L),
                pick(checkpointInterval, quick ? 2_500L : null, 50_000L), pick(keepCheckpoints, null, 2), seedValue);
        RegimePlan preset = RegimeSpec.plan(pick(regime, null, "mst"));
        return new RunSpec(algorithm, envId,
                pick(encoderRegime, null, RegimeSpec.format(preset.encoder())),
                pick(criticRegime, null, RegimeSpec.format(preset.critic())),
                pick(actorRegime, null, RegimeSpec.format(preset.actor())), encoderArch, criticArch, actorArch,
                pick(width, quick ? 0.25 : null, 1.0), pick(batch, null, 256),
                RunSpec.replayFor(total, 1_000_000), schedule);
    }

    private Path freshDirectory(RunSpec spec) {
        Path dir = out != null ? out : Path.of("runs", spec.env() + "-" + spec.algorithm() + "-"
                + (regime == null ? "mst" : regime.replace(':', '_'))
                + (spec.defaultArchitecture() ? "" : "-" + spec.architectureLabel()) + "-seed"
                + spec.schedule().seed());
        if (Files.exists(dir.resolve("config.json"))) {
            throw new IllegalArgumentException("run directory " + dir + " already holds a run; continue it with "
                    + "--resume " + dir + ", or choose another directory with --out");
        }
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new IllegalArgumentException("--out " + dir + " is a non-empty directory that is not a run; "
                            + "choose an empty or new directory");
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + dir + ": " + e.getMessage());
            }
        }
        return dir;
    }

    private void resumeRun() {
        if (quick || algo != null || env != null || regime != null || encoderRegime != null || criticRegime != null
                || actorRegime != null || encoderArch != null || criticArch != null || actorArch != null
                || steps != null || warmup != null || width != null || batch != null
                || evalInterval != null || evalEpisodes != null || logInterval != null || checkpointInterval != null
                || keepCheckpoints != null || seed != null || out != null) {
            throw new IllegalArgumentException("--resume takes the run's own settings from its config.json; drop the "
                    + "other run options (only --backend and --threads may change)");
        }
        RunSpec spec = readSpec(resume);
        RunDirectory run = RunDirectory.open(resume);
        if (run.isDone()) {
            throw new IllegalArgumentException("the run in " + resume + " is already finished (DONE exists); "
                    + "evaluate it with 'topiary eval " + resume + "'");
        }
        try (Backend backend = backendOptions.open()) {
            Env trainEnv = EnvRegistry.make(spec.env());
            Env evalEnv = EnvRegistry.make(spec.env());
            System.out.printf("topiary train: resuming %s in %s%n", spec.algorithm(), run.root());
            try (Agent agent = AgentFactory.create(spec, backend, trainEnv)) {
                new Trainer(spec.schedule(), trainEnv, evalEnv, agent, run, System.out).resume();
            }
        }
    }

    /** The {@link RunSpec} recorded in {@code dir/config.json}. */
    static RunSpec readSpec(Path dir) {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(dir + " is not a run directory (no config.json); give the folder "
                    + "'topiary train' created");
        }
        JsonNode config = ConfigFile.read(file).get("config");
        try {
            return new ObjectMapper().treeToValue(config, RunSpec.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " does not describe a run this version can rebuild: "
                    + e.getMessage());
        }
    }

    private static <T> T pick(T explicit, T quickValue, T fallback) {
        return explicit != null ? explicit : quickValue != null ? quickValue : fallback;
    }
}
