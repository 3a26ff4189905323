package dev.topiary.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The built-in sweeps, kept as sweep files under {@code /sweeps/} on the classpath (copy one to start your own):
 * {@code paper} (the MST study), {@code fidelity} (dense MR.Q against its published humanoid-run score) and
 * {@code quick} (the pipeline on the CPU in about an hour). {@code paper} takes optional axes, each a grid added from
 * its own file: {@code sparsity} ({@code paper-sparsity}) adds the sparsity ablation, MST at 0.7 to 0.95;
 * {@code architectures} ({@code paper-architectures}) adds the architecture-type study, each module at each of the
 * six types of {@link dev.topiary.nn.ArchType} with the others at MST's, on MR.Q under MST.
 */
public final class Presets {
    public static final List<String> NAMES = List.of("paper", "fidelity", "quick");
    public static final List<String> AXES = List.of("sparsity", "architectures");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Presets() {
    }

    /** The preset's sweep file as a tree, with the optional axes of {@code with} added. */
    public static ObjectNode tree(String name, List<String> with) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("no preset called '" + name + "'; use one of " + NAMES);
        }
        ObjectNode root = (ObjectNode) resource(name);
        for (String axis : with) {
            if (!name.equals("paper")) {
                throw new IllegalArgumentException("--with " + axis + " applies to the paper preset only");
            }
            switch (axis) {
                case "sparsity", "architectures" -> {
                    ArrayNode grids = (ArrayNode) root.get("grids");
                    resource("paper-" + axis).get("grids").forEach(grids::add);
                }
                default -> throw new IllegalArgumentException("unknown axis '" + axis + "'; use one of " + AXES);
            }
        }
        return root;
    }

    /**
     * Replaces {@code key} in the tree and in every grid (so an override wins everywhere), e.g. tasks or seeds for
     * a smaller try of a preset.
     */
    public static void override(ObjectNode root, String key, JsonNode value) {
        root.set(key, value);
        JsonNode grids = root.get("grids");
        if (grids != null) {
            for (JsonNode g : grids) {
                if (g instanceof ObjectNode o) {
                    o.remove(key);
                }
            }
        }
    }

    private static JsonNode resource(String name) {
        String path = "/sweeps/" + name + ".yaml";
        try (InputStream in = Presets.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the preset " + path + " is missing from this build");
            }
            return YAML.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("the preset " + path + " cannot be read: " + e.getMessage(), e);
        }
    }
}
