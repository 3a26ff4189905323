package dev.topiary.rl;

import dev.topiary.backend.Philox;
import dev.topiary.env.Env;
import dev.topiary.env.StepResult;
import dev.topiary.run.CsvLog;
import dev.topiary.run.LearningCurve;
import dev.topiary.run.ProgressBar;
import dev.topiary.run.RunDirectory;
import dev.topiary.run.TensorBoardWriter;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The environment loop every algorithm shares: uniformly random actions for the warm-up, then the agent's
 * exploratory action and one {@link Agent#train()} per step; evaluation every {@code evalInterval} steps on a
 * separate environment; rows of {@code metrics.csv} and {@code evals.csv}, diagnostics and compute ({@link ComputeLog}), TensorBoard scalars, checkpoints, and a
 * progress bar. {@link TrainState} holds every counter, so a run resumed from a checkpoint continues exactly.
 */
public final class Trainer {
    private static final long WARMUP_STREAM = 0x7A6L << 40;

    private final TrainConfig cfg;
    private final Env env;
    private final Env evalEnv;
    private final Agent agent;
    private final ActionCodec codec;
    private final RunDirectory run;
    private final RunCheckpoints checkpoints;
    private final PrintStream console;
    private TrainState state;
    private CsvLog metrics;
    private CsvLog evals;
    private TensorBoardWriter tb;
    private ComputeLog compute;
    private long startNanos;
    private long startStep;

    /**
     * @param run     where logs and checkpoints go, or null for none (tests and embedding)
     * @param console where the progress bar and summary lines go, or null for silence
     */
    public Trainer(TrainConfig cfg, Env env, Env evalEnv, Agent agent, RunDirectory run, PrintStream console) {
        this.cfg = cfg;
        this.env = env;
        this.evalEnv = evalEnv;
        this.agent = agent;
        this.codec = new ActionCodec(env.actionSpace());
        this.run = run;
        this.checkpoints = run == null ? null : new RunCheckpoints(run, cfg.keepCheckpoints());
        this.console = console;
    }

    public TrainState state() {
        return state;
    }

    public Agent agent() {
        return agent;
    }

    /** Starts a fresh run: seeds both environments and trains to the end. */
    public TrainState train() {
        state = TrainState.fresh(env.reset(cfg.seed()).observation());
        evalEnv.reset(cfg.seed() + 100);
        openLogs(false);
        return loop();
    }

    /** Continues from the newest checkpoint of the run directory (or starts fresh when there is none). */
    public TrainState resume() {
        if (checkpoints == null || checkpoints.latest().isEmpty()) {
            return train();
        }
        state = checkpoints.load(checkpoints.latest().get(), agent, env, evalEnv);
        openLogs(true);
        return loop();
    }

    private TrainState loop() {
        ProgressBar bar = console == null ? null : ProgressBar.forConsole(cfg.totalSteps());
        startNanos = System.nanoTime();
        startStep = state.step;
        if (tb != null) {
            // The checkpoint's own step was logged before the checkpoint: keep it.
            tb.sessionStart(state.step + 1);
        }
        while (state.step < cfg.totalSteps()) {
            step();
            long t = state.step;
            if (cfg.evalInterval() > 0 && t % cfg.evalInterval() == 0 || t == cfg.totalSteps()) {
                evaluate();
            }
            if (t % cfg.logInterval() == 0 && t > cfg.warmupSteps()) {
                logMetrics();
            }
            if (checkpoints != null && cfg.checkpointInterval() > 0 && t % cfg.checkpointInterval() == 0
                    && t < cfg.totalSteps()) {
                flushLogs();
                // compute.json first: a kill during the checkpoint then resumes from the previous checkpoint with
                // this session's time so far counted, rather than losing a checkpoint interval of wall clock.
                compute.save(t, elapsedSeconds(), false);
                checkpoints.save(state, agent, env, evalEnv);
            }
            if (bar != null) {
                bar.update(t, agent.trainCalls(), status());
            }
        }
        if (bar != null) {
            bar.finish();
        }
        finish();
        return state;
    }

    /** One environment step (and one training call after the warm-up). */
    private void step() {
        long t = state.step;
        double[] action = t < cfg.warmupSteps() ? randomAction(t) : agent.act(state.obs, true);
        StepResult r = env.step(codec.toEnv(action));
        agent.observe(state.obs, action, r.reward(), r.observation(), r.terminated(), r.truncated());
        state.episodeReturn += r.reward();
        state.episodeLength++;
        if (r.endsEpisode()) {
            state.lastEpisodeReturn = state.episodeReturn;
            state.episodes++;
            state.episodeReturn = 0;
            state.episodeLength = 0;
            state.obs = env.reset().observation();
        } else {
            state.obs = r.observation();
        }
        state.step = t + 1;
        if (t >= cfg.warmupSteps()) {
            agent.train();
        }
    }

    private double[] randomAction(long t) {
        double[] u = new double[codec.dim()];
        for (int i = 0; i < u.length; i++) {
            u[i] = Philox.toUniform(Philox.word(cfg.seed(), WARMUP_STREAM, t * u.length + i));
        }
        return codec.random(u);
    }

    private void evaluate() {
        double[] returns = Evaluation.run(agent, evalEnv, codec, cfg.evalEpisodes());
        double mean = Evaluation.mean(returns);
        double var = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double x : returns) {
            var += (x - mean) * (x - mean);
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        double std = Math.sqrt(var / returns.length);
        state.lastEvalMean = mean;
        state.evals.add(new double[]{state.step, mean});
        if (evals != null) {
            double[] row = new double[5 + returns.length];
            row[0] = elapsedSeconds();
            row[1] = mean;
            row[2] = std;
            row[3] = min;
            row[4] = max;
            System.arraycopy(returns, 0, row, 5, returns.length);
            evals.append(state.step, row);
            evals.flush();
            tb.scalar("eval/return", state.step, mean);
            compute.record(state.step, elapsedSeconds());
        }
    }

    private void logMetrics() {
        if (metrics == null) {
            return;
        }
        Map<String, Double> m = agent.metrics();
        List<String> names = metricColumns();
        double[] row = new double[names.size() - 1];
        row[0] = elapsedSeconds();
        row[1] = stepsPerSecond();
        row[2] = state.lastEpisodeReturn;
        for (int i = 3; i < row.length; i++) {
            Double v = m.get(names.get(i + 1));
            row[i] = v == null ? Double.NaN : v;
        }
        metrics.append(state.step, row);
        for (int i = 1; i < names.size(); i++) {
            tb.scalar(names.get(i), state.step, row[i - 1]);
        }
    }

    private List<String> metricColumns() {
        List<String> c = new ArrayList<>(List.of("step", "wall_time", "steps_per_s", "episode_return"));
        c.addAll(agent.metrics().keySet());
        return c;
    }

    private double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private double stepsPerSecond() {
        double s = elapsedSeconds();
        return s > 0 ? (state.step - startStep) / s : 0;
    }

    private String status() {
        return Double.isNaN(state.lastEvalMean) ? "warm-up" : String.format("eval %.1f", state.lastEvalMean);
    }

    private void openLogs(boolean resuming) {
        if (run == null) {
            return;
        }
        List<String> mc = metricColumns();
        List<String> ec = CsvLog.evalColumns(cfg.evalEpisodes());
        metrics = resuming ? CsvLog.resume(run.metrics(), mc, state.step) : CsvLog.create(run.metrics(), mc);
        evals = resuming ? CsvLog.resume(run.evals(), ec, state.step) : CsvLog.create(run.evals(), ec);
        if (resuming) {
            TensorBoardWriter.truncateAfter(run.tensorboard(), state.step);
        }
        tb = TensorBoardWriter.open(run.tensorboard());
        compute = ComputeLog.open(run, agent, cfg, resuming, state.step);
    }

    private void flushLogs() {
        if (metrics != null) {
            metrics.sync();
            evals.sync();
            compute.sync();
            tb.flush();
        }
    }

    private void finish() {
        if (run == null) {
            return;
        }
        flushLogs();
        compute.save(state.step, elapsedSeconds(), true);
        metrics.close();
        evals.close();
        compute.close();
        tb.close();
        LearningCurve.renderEvals(run.evals(), agent.name() + " on " + envName(), run.curve());
        agent.save(run.agent());
        run.markDone();
        if (console != null) {
            console.printf("done: %d steps, last evaluation %.1f; curve %s, logs %s%n", state.step,
                    state.lastEvalMean, run.curve(), run.root());
        }
    }

    private String envName() {
        return env.unwrapped().getClass().getSimpleName();
    }
}
