package dev.topiary.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.backend.Tensor;
import dev.topiary.io.Checkpoint;
import dev.topiary.io.CheckpointException;
import dev.topiary.io.TensorFile;
import dev.topiary.nn.Module;
import dev.topiary.rl.replay.ReplayBuffer;
import dev.topiary.rl.replay.ReplayState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An agent's files in a folder: {@code modules.safetensors} (every module, trained and target, with masks and
 * optimizer moments, plus the agent's own counters as JSON) and {@code replay.safetensors} (the replay tables, slot
 * kinds, sampling weights and counters). Every algorithm saves through here, so each resumes the same way.
 *
 * <p>{@link #load} reads and checks both files completely (checksums, names, shapes, the agent's kind) before it
 * changes the modules or the buffer, so a bad checkpoint leaves the agent as it was.
 */
public final class AgentSnapshot {
    public static final String MODULES = "modules.safetensors";
    public static final String REPLAY = "replay.safetensors";
    private static final String REPLAY_FORMAT = "topiary-replay";

    private AgentSnapshot() {
    }

    /** Writes the agent {@code name}'s modules, replay buffer and {@code state} (its counters) into {@code dir}. */
    public static void save(Path dir, String name, List<Module> modules, ReplayBuffer replay, ObjectNode state) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create agent checkpoint folder " + dir + ": " + e.getMessage(), e);
        }
        ObjectNode extra = JsonNodeFactory.instance.objectNode();
        extra.put("agent", name);
        extra.set("state", state);
        writeReplay(dir.resolve(REPLAY), replay);
        Checkpoint.save(dir.resolve(MODULES), modules, extra);
    }

    /**
     * Restores what {@link #save} wrote into live {@code modules} and {@code replay} built with the same
     * configuration; returns the agent's state document. Throws {@link CheckpointException} with the agent unchanged
     * when anything does not match.
     */
    public static JsonNode load(Path dir, String name, List<Module> modules, ReplayBuffer replay) {
        return load(dir, name, modules, replay, state -> { });
    }

    /**
     * {@link #load(Path, String, List, ReplayBuffer)} that first runs {@code checkState} on the agent's state
     * document (throwing {@link IllegalArgumentException} for anything it cannot restore), before any change.
     */
    public static JsonNode load(Path dir, String name, List<Module> modules, ReplayBuffer replay,
                                java.util.function.Consumer<JsonNode> checkState) {
        Path replayFile = dir.resolve(REPLAY);
        TensorFile.Contents contents = TensorFile.read(replayFile, REPLAY_FORMAT);
        Map<String, float[]> tables = new java.util.LinkedHashMap<>();
        for (var e : replay.storage().entrySet()) {
            Tensor t = e.getValue();
            tables.put(e.getKey(), contents.f32("table/" + e.getKey(), t.rows(), t.cols()));
        }
        ReplayState replayState = replayState(contents, replay.config().capacity(), replayFile);
        Path modulesFile = dir.resolve(MODULES);
        if (!Files.isRegularFile(modulesFile)) {
            throw new CheckpointException(modulesFile, "does not exist");
        }
        // Checkpoint.load validates every module before it writes any; only then is the buffer touched.
        JsonNode extra = Checkpoint.load(modulesFile, modules, e -> {
            if (e == null || !name.equals(e.path("agent").asText())) {
                throw new IllegalArgumentException("was saved by agent '" + (e == null ? "?"
                        : e.path("agent").asText()) + "', not '" + name + "'");
            }
            checkState.accept(e.path("state"));
        });
        replay.storage().forEach((key, t) -> t.copyFrom(tables.get(key)));
        replay.restoreState(replayState);
        return extra.get("state");
    }

    private static void writeReplay(Path file, ReplayBuffer replay) {
        ReplayState s = replay.saveState();
        List<TensorFile.Array> arrays = new ArrayList<>();
        for (var e : replay.storage().entrySet()) {
            Tensor t = e.getValue();
            arrays.add(TensorFile.Array.f32("table/" + e.getKey(), t.toFloats(), t.rows(), t.cols()));
        }
        int cap = s.kind().length;
        arrays.add(TensorFile.Array.u8("kind", s.kind(), cap));
        arrays.add(TensorFile.Array.f32("abs_reward", s.absReward(), cap));
        arrays.add(TensorFile.Array.f32("leaves", s.leaves(), cap));
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("next", s.next());
        doc.put("episode_length", s.episodeLength());
        doc.put("transitions", s.transitions());
        doc.put("draws", s.draws());
        doc.put("generation", s.generation());
        doc.put("seen_terminal", s.seenTerminal());
        doc.put("max_priority", s.maxPriority());
        TensorFile.write(file, REPLAY_FORMAT, doc, arrays);
    }

    private static ReplayState replayState(TensorFile.Contents c, int capacity, Path file) {
        JsonNode d = c.doc();
        for (String key : List.of("next", "episode_length", "transitions", "draws", "generation", "seen_terminal",
                "max_priority")) {
            if (!d.has(key)) {
                throw new CheckpointException(file, "its document lacks '" + key + "'");
            }
        }
        int next = d.get("next").asInt();
        if (next < 0 || next >= capacity) {
            throw new CheckpointException(file, "next slot " + next + " is outside the buffer's " + capacity
                    + " slots");
        }
        return new ReplayState(next, d.get("episode_length").asInt(), d.get("transitions").asLong(),
                d.get("draws").asLong(), d.get("generation").asLong(), d.get("seen_terminal").asBoolean(),
                c.u8("kind", capacity), c.f32("abs_reward", capacity), c.f32("leaves", capacity),
                (float) d.get("max_priority").asDouble());
    }
}
