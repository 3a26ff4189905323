package dev.topiary.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.backend.Backend;
import dev.topiary.diag.StackSampler;
import dev.topiary.env.Box;
import dev.topiary.rl.ActionCodec;
import dev.topiary.rl.mrq.MrqAgent;
import dev.topiary.rl.mrq.MrqWorkload;
import dev.topiary.run.AtomicFiles;
import dev.topiary.run.ProgressBar;
import dev.topiary.run.Provenance;
import dev.topiary.sparse.RegimeSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** {@code topiary profile}: MR.Q training calls per second, and where their time goes. */
@Command(name = "profile", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures MR.Q training calls per second (one call = one environment step's update: a value and "
                + "a policy step, plus 250 encoder steps every 250 calls) on random data of a task's shape, and the "
                + "share of time in matmul, topology updates, replay, the optimizer and everything else, from stack "
                + "samples of the training thread.",
                "The measured window is a whole number of 250-call rounds and, by default, holds one RigL update (at value "
                        + "step 1,000)."})
final class ProfileCommand implements Runnable {

    @Option(names = "--width", defaultValue = "1", paramLabel = "M", description = "Width multiplier. "
            + "Default: ${DEFAULT-VALUE}.")
    double width;

    @Option(names = "--obs-dim", defaultValue = "67", paramLabel = "N", description = "Observation size "
            + "(default ${DEFAULT-VALUE}: DMC humanoid).")
    int obsDim;

    @Option(names = "--action-dim", defaultValue = "21", paramLabel = "N", description = "Action size "
            + "(default ${DEFAULT-VALUE}: DMC humanoid).")
    int actionDim;

    @Option(names = "--regime", defaultValue = "mst", paramLabel = "PRESET", description = "mst or one regime spec for "
            + "every module. Default: ${DEFAULT-VALUE}.")
    String regime;

    @Option(names = "--batch", defaultValue = "256", paramLabel = "N", description = "Batch size. "
            + "Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--warmup-calls", defaultValue = "250", paramLabel = "N", description = "Untimed calls first "
            + "(JIT warm-up). Default: ${DEFAULT-VALUE}.")
    int warmupCalls;

    @Option(names = "--calls", defaultValue = "1000", paramLabel = "N", description = "Timed calls; a multiple of 250 "
            + "keeps the encoder's share exact. Default: ${DEFAULT-VALUE}.")
    int calls;

    @Option(names = "--run-calls", defaultValue = "500000", paramLabel = "N", description = "Training calls of the "
            + "run the regimes are scheduled for (T; default ${DEFAULT-VALUE}, MR.Q's DMC budget), so RigL updates every "
            + "1,000 calls with its full drop fraction, as early in a real run.")
    long runCalls;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the result as JSON to FILE.")
    Path out;

    @Mixin
    BackendOptions backendOptions;

    @Override
    public void run() {
        if (calls < 1 || warmupCalls < 0 || obsDim < 1 || actionDim < 1) {
            throw new IllegalArgumentException("--calls must be ≥ 1, --warmup-calls ≥ 0, dimensions ≥ 1");
        }
        try (Backend backend = backendOptions.open()) {
            long total = warmupCalls + (long) calls;
            try (MrqAgent agent = MrqWorkload.create(backend, width, obsDim,
                    new ActionCodec(Box.uniform(-1, 1, actionDim)), batch, RegimeSpec.plan(regime),
                    Math.max(total, runCalls))) {
                System.out.printf(Locale.ROOT, "topiary profile: MR.Q width x%s, obs %d, actions %d, batch %d, %s%n",
                        width, obsDim, actionDim, batch, backend.description());
                ProgressBar bar = ProgressBar.forConsole(total);
                for (int i = 0; i < warmupCalls; i++) {
                    agent.train();
                    bar.update(i + 1, i + 1, "warm-up");
                }
                backend.sync();
                Map<String, Long> samples;
                long t0 = System.nanoTime();
                try (StackSampler s = new StackSampler(Thread.currentThread(), 2_000, ProfileCommand::category)) {
                    for (int i = 0; i < calls; i++) {
                        agent.train();
                        bar.update(warmupCalls + i + 1, warmupCalls + i + 1, "timed");
                    }
                    backend.sync();
                    samples = s.counts();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                bar.finish();
                report(agent, backend, seconds, samples);
            }
        }
    }

    private void report(MrqAgent agent, Backend backend, double seconds, Map<String, Long> samples) {
        long n = samples.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf(Locale.ROOT, "%.2f training calls/s (%.1f ms per call) over %d calls%n", calls / seconds,
                1e3 * seconds / calls, calls);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("width", width).put("obs_dim", obsDim).put("action_dim", actionDim).put("batch", batch)
                .put("regime", regime).put("calls", calls).put("seconds", seconds).put("calls_per_s", calls / seconds)
                .put("samples", n);
        Map<String, Long> other = new java.util.TreeMap<>();
        samples.forEach((k, v) -> {
            if (k.startsWith("other:")) {
                other.merge(k.substring(6), v, Long::sum);
            }
        });
        long otherTotal = other.values().stream().mapToLong(Long::longValue).sum();
        ObjectNode shares = root.putObject("time_share");
        for (String c : new String[]{"matmul", "topology", "replay", "optimizer", "other"}) {
            long k = c.equals("other") ? otherTotal : samples.getOrDefault(c, 0L);
            double share = n == 0 ? 0 : k / (double) n;
            shares.put(c, share);
            System.out.printf(Locale.ROOT, "  %-10s %5.1f %%%n", c, 100 * share);
        }
        // The largest parts of "other", by the innermost engine method, so the next optimisation has a target.
        ObjectNode top = root.putObject("other_top");
        other.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
                .forEach(e -> {
                    double share = e.getValue() / (double) n;
                    top.put(e.getKey(), share);
                    System.out.printf(Locale.ROOT, "      %5.1f %%  %s%n", 100 * share, e.getKey());
                });
        agent.metrics().forEach((k, v) -> {
            if (k.startsWith("density/")) {
                root.put(k, v);
            }
        });
        root.set("provenance", json.valueToTree(Provenance.collect(backend)));
        if (out != null) {
            try {
                AtomicFiles.writeString(out, json.writeValueAsString(root) + "\n");
            } catch (java.io.IOException e) {
                throw new IllegalStateException("could not write " + out + ": " + e.getMessage(), e);
            }
            System.out.println("wrote " + out);
        }
    }

    /**
     * The category of one stack sample: a topology update (regime code, including the dense-gradient products RigL
     * grows by), replay (buffer code, sampling and priorities), else by the innermost engine frame: matmul (dense
     * and sparse products), optimizer (AdamW, clipping) or other (elementwise, normalisation, losses, host code).
     */
    static String category(StackTraceElement[] stack) {
        for (StackTraceElement f : stack) {
            String c = f.getClassName();
            if (c.startsWith("dev.topiary.sparse.") && !c.endsWith("SparseModule")) {
                return "topology";
            }
            if (c.startsWith("dev.topiary.rl.replay.")) {
                return "replay";
            }
        }
        for (StackTraceElement f : stack) {
            String c = f.getClassName();
            if (c.endsWith(".CpuPool") || c.startsWith("dev.topiary.backend.cpu.CpuPool$")) {
                continue; // the thread pool: the op that handed it work is further out
            }
            if (c.startsWith("dev.topiary.backend.cpu.gemm.") || c.endsWith(".CpuBlas") || c.endsWith(".CpuSparse")
                    || c.contains(".kernel.KernelBlas") || c.contains(".kernel.KernelSparse")) {
                return "matmul";
            }
            if (c.endsWith(".CpuOptim") || c.contains(".kernel.KernelOptim")) {
                return "optimizer";
            }
            if (c.startsWith("dev.topiary.")) {
                return "other:" + c.substring(c.lastIndexOf('.') + 1) + "." + f.getMethodName();
            }
        }
        return "other:outside the engine";
    }
}
