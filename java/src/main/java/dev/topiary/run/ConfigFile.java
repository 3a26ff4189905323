package dev.topiary.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A run's {@code config.json}: the fully resolved configuration (any records; Jackson writes their components by
 * name) and its {@link Provenance}, pretty-printed and written atomically, so the file says exactly what ran.
 */
public final class ConfigFile {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ConfigFile() {
    }

    /** {@code {"config": config, "provenance": provenance}} as pretty JSON. */
    public static String toJson(Object config, Provenance provenance) {
        ObjectNode root = JSON.createObjectNode();
        root.set("config", JSON.valueToTree(config));
        root.set("provenance", JSON.valueToTree(provenance));
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalArgumentException("the configuration cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    /** Writes {@code config.json} atomically. */
    public static void write(Path file, Object config, Provenance provenance) {
        AtomicFiles.writeString(file, toJson(config, provenance));
    }

    /** Reads a {@code config.json} back as a tree. */
    public static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
    }
}
