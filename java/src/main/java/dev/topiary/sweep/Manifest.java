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
import java.util.ArrayList;
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
            throw new IllegalArgumentException("run index " + index + " is outside the sweep '" + sweep + "' (0 to "
                    + (runs.size() - 1) + ")");
        }
        return runs.get(index);
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
        ArrayNode list = root.putArray("runs");
        for (Entry e : runs) {
            ObjectNode o = list.addObject();
            o.put("index", e.index());
            o.put("id", e.id());
            o.put("name", e.name());
            o.put("label", e.label());
            o.put("dir", e.dir());
            o.set("spec", JSON.valueToTree(e.spec()));
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the manifest: " + e.getMessage(), e);
        }
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
            return new Manifest(root.path("sweep").asText(), root.path("notes").asText(), List.copyOf(runs));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not a manifest this version can read: " + e.getMessage());
        }
    }
}
