package dev.topiary.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.io.SafeTensorsWriter.Spec;
import dev.topiary.nn.Module;
import dev.topiary.nn.Network;
import dev.topiary.nn.Parameter;
import dev.topiary.nn.WeightParameter;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Checkpoints of modules: every parameter, mask and AdamW moment in one canonical form whatever the layout (dense
 * values, a U8 mask, dense moments), as a safetensors file the project writes itself, plus a JSON document in the
 * metadata (key {@code topiary}) for the rest: step counts, active counts, layouts and the caller's own state.
 *
 * <p>Tensor names are {@code module/network/parameter}, with {@code .mask}, {@code .adam_m}, {@code .adam_v}
 * suffixes; Python reads them with {@code safetensors.numpy.load_file}. Files are written atomically (temporary file,
 * fsync, rename, fsync of the directory) with a SHA-256 of the whole file in the metadata. Loading validates the file
 * and its match with the live modules completely before changing anything.
 */
public final class Checkpoint {
    public static final String FORMAT = "topiary-checkpoint";
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoint() {
    }

    /** A parameter with its checkpoint name. */
    record Named(String key, Parameter parameter) {
    }

    static List<Named> named(Module module) {
        List<Named> list = new ArrayList<>();
        for (Network n : module.networks()) {
            for (Parameter p : n.parameters()) {
                list.add(new Named(module.name() + "/" + n.name() + "/" + p.name(), p));
            }
        }
        return list;
    }

    /** Writes {@code modules} and {@code extra} (any JSON, may be null) to {@code file}, replacing it atomically. */
    public static void save(Path file, List<Module> modules, JsonNode extra) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            List<Spec> specs = new ArrayList<>();
            for (Module m : modules) {
                for (Named p : named(m)) {
                    specs.addAll(CanonicalTensors.specs(p));
                }
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("format", FORMAT);
            metadata.put("topiary", JSON.writeValueAsString(document(modules, extra)));
            try (SafeTensorsWriter w = new SafeTensorsWriter(tmp, metadata, specs)) {
                for (Module m : modules) {
                    for (Named p : named(m)) {
                        CanonicalTensors.write(p.parameter(), w);
                    }
                }
                w.finish();
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(dir);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // The write already failed; report that failure, not the clean-up's.
            }
            throw e instanceof CheckpointException ce ? ce
                    : new CheckpointException(file, "could not be written (" + e.getMessage() + ")", e);
        }
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static ObjectNode document(List<Module> modules, JsonNode extra) {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("format", FORMAT);
        doc.put("version", VERSION);
        ArrayNode ms = doc.putArray("modules");
        for (Module m : modules) {
            ObjectNode mn = ms.addObject();
            mn.put("name", m.name());
            mn.put("steps", m.steps());
            ArrayNode ps = mn.putArray("parameters");
            for (Named p : named(m)) {
                ObjectNode pn = ps.addObject();
                pn.put("name", p.key());
                pn.put("count", p.parameter().count());
                pn.put("active", p.parameter().activeCount());
                if (p.parameter() instanceof WeightParameter w) {
                    pn.put("layout", w.layout().name());
                }
            }
        }
        doc.set("extra", extra == null ? JsonNodeFactory.instance.nullNode() : extra);
        return doc;
    }

    /**
     * Loads {@code file} into {@code modules} (built with the same architectures and regimes as when it was saved):
     * first checks the file (structure, checksum) and its match with every live parameter (names, shapes, masks,
     * zeros at inactive entries), then writes values, masks, moments and step counts. Returns the caller's extra
     * state. On any problem, throws {@link CheckpointException} and leaves the modules untouched.
     */
    public static JsonNode load(Path file, List<Module> modules) {
        return load(file, modules, extra -> { });
    }

    /**
     * {@link #load(Path, List)} that also runs {@code checkExtra} on the caller's extra state before anything
     * changes, so a document the caller cannot use fails while the modules are still untouched.
     */
    public static JsonNode load(Path file, List<Module> modules, java.util.function.Consumer<JsonNode> checkExtra) {
        try (SafeTensorsReader r = SafeTensorsReader.open(file)) {
            JsonNode doc = parseDocument(file, r);
            try {
                checkExtra.accept(doc.get("extra"));
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(file, e.getMessage());
            }
            CheckpointMatch match = new CheckpointMatch(file, r, doc);
            for (Module m : modules) {
                match.validate(m);
            }
            match.checkNoLeftovers();
            for (Module m : modules) {
                match.apply(m);
            }
            return doc.get("extra");
        }
    }

    private static JsonNode parseDocument(Path file, SafeTensorsReader r) {
        if (!FORMAT.equals(r.metadata().get("format"))) {
            throw new CheckpointException(file, "not a Topiary checkpoint (metadata format is "
                    + r.metadata().get("format") + ")");
        }
        try {
            JsonNode doc = JSON.readTree(r.metadata().getOrDefault("topiary", ""));
            if (doc == null || doc.path("version").asInt(-1) != VERSION || !doc.path("modules").isArray()) {
                throw new CheckpointException(file, "unsupported or missing checkpoint document (version "
                        + (doc == null ? "none" : doc.path("version")) + ", expected " + VERSION + ")");
            }
            return doc;
        } catch (IOException e) {
            throw new CheckpointException(file, "the checkpoint document is not valid JSON");
        }
    }
}
