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
 * {@code quick} (the pipeline on the CPU in about an hour). {@code paper} takes optional axes: {@code sparsity} adds
 * the sparsity ablation; {@code architectures} (the six types per module) is refused, because a run spec does not
 * carry architecture types yet.
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
                case "sparsity" -> {
                    ArrayNode grids = (ArrayNode) root.get("grids");
                    resource("paper-sparsity").get("grids").forEach(grids::add);
                }
                case "architectures" -> throw new IllegalArgumentException("--with architectures: the six "
                        + "architecture types per module exist as networks (dev.topiary.nn.ArchType) but a run spec "
                        + "does not select them yet, so this axis cannot run; it is not part of this build");
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
