package dev.topiary.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.io.SafeTensorsWriter.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A safetensors file of named host arrays (F32 or U8) and a JSON document, for state that is not a module (a replay
 * buffer's tables, an observation normaliser): written atomically with a checksum like {@link Checkpoint}, and read
 * back whole after the file checks out, so a caller can validate everything before it changes anything.
 */
public final class TensorFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TensorFile() {
    }

    /** One array of the file: exactly one of {@code f32} and {@code u8} is non-null. */
    public record Array(String name, long[] shape, float[] f32, byte[] u8) {
        public static Array f32(String name, float[] data, long... shape) {
            return new Array(name, shape, data, null);
        }

        public static Array u8(String name, byte[] data, long... shape) {
            return new Array(name, shape, null, data);
        }

        Spec spec() {
            return new Spec(name, f32 != null ? "F32" : "U8", shape);
        }
    }

    /** Writes {@code arrays} and {@code doc} under metadata format {@code format}, replacing {@code file} atomically. */
    public static void write(Path file, String format, JsonNode doc, List<Array> arrays) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(dir);
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("format", format);
            metadata.put("topiary", JSON.writeValueAsString(doc));
            List<Spec> specs = new ArrayList<>();
            for (Array a : arrays) {
                specs.add(a.spec());
            }
            try (SafeTensorsWriter w = new SafeTensorsWriter(tmp, metadata, specs)) {
                for (Array a : arrays) {
                    if (a.f32() != null) {
                        w.writeFloats(a.f32());
                    } else {
                        w.writeBytes(a.u8());
                    }
                }
                w.finish();
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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

    /** A file read back whole: its document and arrays, each fetched with the shape the caller expects. */
    public static final class Contents {
        private final Path file;
        private final JsonNode doc;
        private final Map<String, Array> arrays;

        private Contents(Path file, JsonNode doc, Map<String, Array> arrays) {
            this.file = file;
            this.doc = doc;
            this.arrays = arrays;
        }

        public JsonNode doc() {
            return doc;
        }

        /** The F32 array {@code name}, which must have {@code shape}. */
        public float[] f32(String name, long... shape) {
            Array a = get(name, "F32", shape);
            return a.f32();
        }

        /** The U8 array {@code name}, which must have {@code shape}. */
        public byte[] u8(String name, long... shape) {
            return get(name, "U8", shape).u8();
        }

        private Array get(String name, String dtype, long[] shape) {
            Array a = arrays.get(name);
            if (a == null) {
                throw new CheckpointException(file, "has no tensor '" + name + "' (it holds " + arrays.keySet() + ")");
            }
            if (!a.spec().dtype().equals(dtype) || !Arrays.equals(a.shape(), shape)) {
                throw new CheckpointException(file, "tensor '" + name + "' is " + a.spec().dtype()
                        + Arrays.toString(a.shape()) + " but this run needs " + dtype + Arrays.toString(shape)
                        + "; it was saved by a run with a different configuration");
            }
            return a;
        }
    }

    /** Reads and checks {@code file} (structure, checksum, format); the arrays come back in host memory. */
    public static Contents read(Path file, String format) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file, "does not exist");
        }
        try (SafeTensorsReader r = SafeTensorsReader.open(file)) {
            if (!format.equals(r.metadata().get("format"))) {
                throw new CheckpointException(file, "is not a " + format + " file (metadata format is "
                        + r.metadata().get("format") + ")");
            }
            JsonNode doc;
            try {
                doc = JSON.readTree(r.metadata().getOrDefault("topiary", ""));
            } catch (IOException e) {
                throw new CheckpointException(file, "its document is not valid JSON");
            }
            if (doc == null || !doc.isObject()) {
                throw new CheckpointException(file, "has no document");
            }
            Map<String, Array> arrays = new LinkedHashMap<>();
            for (SafeTensorsReader.Entry e : r.entries().values()) {
                int n = Math.toIntExact(e.elements());
                if (e.dtype().equals("F32")) {
                    float[] d = new float[n];
                    r.readFloats(e, d);
                    arrays.put(e.name(), new Array(e.name(), e.shape(), d, null));
                } else {
                    byte[] d = new byte[n];
                    r.readBytes(e, d);
                    arrays.put(e.name(), new Array(e.name(), e.shape(), null, d));
                }
            }
            return new Contents(file, doc, arrays);
        }
    }
}
