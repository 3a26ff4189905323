package dev.topiary.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.env.Env;
import dev.topiary.env.EnvState;
import dev.topiary.run.AtomicFiles;
import dev.topiary.run.RunDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A run's checkpoints: {@code checkpoints/step-<12 digits>/} holding the agent's files and {@code trainer.json}
 * (counters, the current observation, both environments' exact states). Each is written into a temporary folder and
 * renamed into place, so a checkpoint folder either exists complete or not at all; the newest {@code keep} stay.
 */
public final class RunCheckpoints {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "step-";

    private final RunDirectory run;
    private final int keep;

    public RunCheckpoints(RunDirectory run, int keep) {
        this.run = run;
        this.keep = keep;
    }

    /** The newest complete checkpoint folder. */
    public Optional<Path> latest() {
        List<Path> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.getLast());
    }

    /** Complete checkpoint folders, oldest first. */
    public List<Path> list() {
        try (Stream<Path> s = Files.list(run.checkpoints())) {
            return s.filter(p -> p.getFileName().toString().startsWith(PREFIX) && Files.isDirectory(p))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + run.checkpoints() + ": " + e.getMessage(), e);
        }
    }

    void save(TrainState s, Agent agent, Env env, Env evalEnv) {
        String name = PREFIX + String.format("%012d", s.step);
        Path tmp = run.checkpoints().resolve(".tmp-" + name);
        Path dst = run.checkpoints().resolve(name);
        try {
            deleteTree(tmp);
            Files.createDirectories(tmp);
            agent.save(tmp.resolve("agent"));
            AtomicFiles.writeString(tmp.resolve("trainer.json"), trainerJson(s, env, evalEnv));
            deleteTree(dst);
            Files.move(tmp, dst, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.syncDirectory(run.checkpoints());
            List<Path> all = list();
            for (int i = 0; i < all.size() - keep; i++) {
                deleteTree(all.get(i));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write checkpoint " + dst + ": " + e.getMessage(), e);
        }
    }

    TrainState load(Path dir, Agent agent, Env env, Env evalEnv) {
        JsonNode doc;
        try {
            doc = JSON.readTree(dir.resolve("trainer.json").toFile());
        } catch (IOException e) {
            throw new IllegalStateException("checkpoint " + dir + " has no readable trainer.json (" + e.getMessage()
                    + "); delete this folder to resume from the one before it", e);
        }
        EnvState envState = envState(doc.get("env"), "env", dir);
        EnvState evalState = envState(doc.get("eval_env"), "eval_env", dir);
        agent.load(dir.resolve("agent"));
        env.restoreState(envState);
        evalEnv.restoreState(evalState);
        TrainState s = new TrainState();
        s.step = doc.get("step").asLong();
        s.episodes = doc.get("episodes").asLong();
        s.episodeReturn = doc.get("episode_return").asDouble();
        s.episodeLength = doc.get("episode_length").asLong();
        s.lastEpisodeReturn = number(doc.get("last_episode_return"));
        s.lastEvalMean = number(doc.get("last_eval_mean"));
        s.obs = JSON.convertValue(doc.get("obs"), double[].class);
        for (JsonNode e : doc.get("evals")) {
            s.evals.add(new double[]{e.get(0).asDouble(), e.get(1).asDouble()});
        }
        return s;
    }

    private static String trainerJson(TrainState s, Env env, Env evalEnv) {
        ObjectNode o = JSON.createObjectNode();
        o.put("step", s.step);
        o.put("episodes", s.episodes);
        o.put("episode_return", s.episodeReturn);
        o.put("episode_length", s.episodeLength);
        putNumber(o, "last_episode_return", s.lastEpisodeReturn);
        putNumber(o, "last_eval_mean", s.lastEvalMean);
        o.set("obs", JSON.valueToTree(s.obs));
        ArrayNode evals = o.putArray("evals");
        for (double[] e : s.evals) {
            evals.addArray().add(e[0]).add(e[1]);
        }
        o.set("env", JSON.valueToTree(savedState(env, "training")));
        o.set("eval_env", JSON.valueToTree(savedState(evalEnv, "evaluation")));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EnvState savedState(Env env, String role) {
        return env.saveState().orElseThrow(() -> new IllegalStateException("the " + role + " environment "
                + env.unwrapped().getClass().getSimpleName() + " cannot save its state, so the run cannot be "
                + "checkpointed; implement Env.saveState/restoreState or set the checkpoint interval to 0"));
    }

    private static EnvState envState(JsonNode node, String field, Path dir) {
        if (node == null) {
            throw new IllegalStateException("checkpoint " + dir + "/trainer.json has no '" + field + "' state");
        }
        return JSON.convertValue(node, EnvState.class);
    }

    private static void putNumber(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) {
            o.putNull(key);
        } else {
            o.put(key, v);
        }
    }

    private static double number(JsonNode n) {
        return n == null || n.isNull() ? Double.NaN : n.asDouble();
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
