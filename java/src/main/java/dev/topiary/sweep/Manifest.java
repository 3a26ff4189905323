package dev.topiary.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.rl.RunSpec;
import dev.topiary.run.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A sweep directory's {@code manifest.json}: the sweep's name and notes, and its runs in index order, each with its
 * id, readable name, regime label, folder under {@code runs/} and full {@link RunSpec}. Executors address runs by
 * index into this list; Slurm's array index and Kubernetes' completion index are such indices.
 */
public record Manifest(String sweep, String notes, List<Entry> runs) {
    public static final String FILE = "manifest.json";
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One run of the sweep. */
    public record Entry(int index, String id, String name, String label, String dir, RunSpec spec) {
    }

    /** The manifest of a checked definition. */
    public static Manifest of(SweepDefinition def) {
        return new Manifest(def.name(), def.notes(), List.copyOf(Expansion.expand(def)));
    }

    /** The run at {@code index}, or an error giving the valid range. */
    public Entry run(int index) {
        if (index < 0 || index >= runs.size()) {
            throw new IllegalArgumentException("run index " + index + " is outside the sweep '" + sweep + "': its "
                    + runs.size() + " runs have indices 0 to " + (runs.size() - 1) + " ('topiary sweep list' shows "
                    + "them)");
        }
        return runs.get(index);
    }

    /**
     * The indices {@code spec} names, in the order given: {@code all} (or null) for every run, else a comma list of
     * indices and inclusive ranges ({@code 0-5,9}); each must lie in the sweep, and none may repeat.
     */
    public List<Integer> select(String spec) {
        List<Integer> out = new ArrayList<>();
        if (spec == null || spec.equals("all")) {
            for (int i = 0; i < runs.size(); i++) {
                out.add(i);
            }
            return out;
        }
        for (String part : spec.split(",")) {
            String[] ends = part.trim().split("-", -1);
            if (ends.length > 2 || !ends[0].matches("\\d+") || ends.length == 2 && !ends[1].matches("\\d+")) {
                throw new IllegalArgumentException("--indices '" + spec + "': '" + part + "' is not an index or a "
                        + "range; write e.g. 0-5,9 (or all)");
            }
            int from = Integer.parseInt(ends[0]);
            int to = ends.length == 2 ? Integer.parseInt(ends[1]) : from;
            if (to < from) {
                throw new IllegalArgumentException("--indices '" + spec + "': the range " + part + " is empty; write "
                        + "the smaller index first");
            }
            for (int i = from; i <= to; i++) {
                run(i);
                if (out.contains(i)) {
                    throw new IllegalArgumentException("--indices '" + spec + "' names run " + i + " twice");
                }
                out.add(i);
            }
        }
        return out;
    }

    /** The run folder of {@code e} in the sweep directory {@code sweepDir}. */
    public static Path runDirectory(Path sweepDir, Entry e) {
        return sweepDir.resolve("runs").resolve(e.dir());
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("sweep", sweep);
        root.put("notes", notes);
        root.put("run_count", runs.size());
        ArrayNode list = runsNode(runs);
        root.put("runs_sha256", digest(list));
        root.set("runs", list);
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the manifest: " + e.getMessage(), e);
        }
    }

    private static ArrayNode runsNode(List<Entry> runs) {
        ArrayNode list = JSON.createArrayNode();
        for (Entry e : runs) {
            ObjectNode o = list.addObject();
            o.put("index", e.index());
            o.put("id", e.id());
            o.put("name", e.name());
            o.put("label", e.label());
            o.put("dir", e.dir());
            o.set("spec", JSON.valueToTree(e.spec()));
        }
        return list;
    }

    /**
     * SHA-256 of the runs as compact JSON: an edit anywhere in them (a name, a folder, a run moved or dropped) is
     * caught on reading, since Slurm and Kubernetes tasks address runs by position and must all see the same list.
     */
    static String digest(ArrayNode runs) {
        try {
            byte[] bytes = new ObjectMapper().writeValueAsBytes(runs);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash the runs: " + e.getMessage(), e);
        }
    }

    /** Where a run stands in a sweep directory. */
    public enum Status { PENDING, STARTED, DONE }

    /** {@code DONE}: the run finished; {@code STARTED}: its config.json exists; else {@code PENDING}. */
    public static Status status(Path sweepDir, Entry e) {
        Path dir = runDirectory(sweepDir, e);
        if (Files.exists(dir.resolve("DONE"))) {
            return Status.DONE;
        }
        return Files.exists(dir.resolve("config.json")) ? Status.STARTED : Status.PENDING;
    }

    /** Writes {@code sweepDir/manifest.json} atomically. */
    public void write(Path sweepDir) {
        AtomicFiles.writeString(sweepDir.resolve(FILE), toJson());
    }

    /** Reads {@code sweepDir/manifest.json}, re-checking every run spec. */
    public static Manifest read(Path sweepDir) {
        Path file = sweepDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(sweepDir + " holds no " + FILE + "; create it with 'topiary sweep "
                    + "expand FILE --out " + sweepDir + "' (or --preset NAME)");
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root.path("format").asInt() != FORMAT) {
                throw new IllegalArgumentException("format " + root.path("format") + ", expected " + FORMAT);
            }
            if (!root.path("runs").isArray() || root.path("runs").size() != root.path("run_count").asInt(-1)) {
                throw new IllegalArgumentException("it lists " + root.path("runs").size() + " runs but run_count is "
                        + root.path("run_count") + "; it was edited by hand, so expand the sweep again");
            }
            List<Entry> runs = new ArrayList<>();
            for (JsonNode o : root.path("runs")) {
                RunSpec spec = JSON.treeToValue(o.get("spec"), RunSpec.class);
                Entry e = new Entry(o.path("index").asInt(), o.path("id").asText(), o.path("name").asText(),
                        o.path("label").asText(), o.path("dir").asText(), spec);
                if (e.index() != runs.size() || !e.id().equals(Expansion.id(spec))) {
                    throw new IllegalArgumentException("run " + runs.size() + " ('" + e.name() + "') has index "
                            + e.index() + " and id " + e.id() + ", but its spec hashes to " + Expansion.id(spec)
                            + "; the file was edited by hand, so expand the sweep again");
                }
                runs.add(e);
            }
            String recorded = root.path("runs_sha256").asText();
            if (!recorded.equals(digest((ArrayNode) root.get("runs")))) {
                throw new IllegalArgumentException("its runs do not match runs_sha256 " + recorded + "; it was edited "
                        + "by hand, so expand the sweep again (sweep files are the place for changes)");
            }
            return new Manifest(root.path("sweep").asText(), root.path("notes").asText(), List.copyOf(runs));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not a manifest this version can read: " + e.getMessage());
        }
    }
}
