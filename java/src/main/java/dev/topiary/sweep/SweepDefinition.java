package dev.topiary.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.topiary.nn.ArchType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sweep file (JSON, or YAML for {@code .yaml}/{@code .yml}): one or more grids, each the product tasks ×
 * algorithms × regimes × architectures × widths × seeds, with the schedule every run of the grid shares. Keys at the
 * top level are the defaults of every grid in {@code grids}; without {@code grids} the top level is the only grid.
 *
 * <pre>
 * name: quick                        # names the sweep (required)
 * notes: "..."                       # free text, copied into the report
 * tasks: [Pendulum-v1]               # environment ids of the registry
 * algorithms: [mrq]                  # mrq, sac, ddpg (default [mrq])
 * regimes:                           # a preset (mst, dense, static:0.6, ...) or a per-module plan:
 *   - mst
 *   - {label: critic=static, base: mst, critic: static:0.6}   # modules not given take base's (default mst)
 * architectures:                     # MR.Q's architecture types per module (default: MR.Q's own only):
 *   - mrq                            # MR.Q's own: encoder and critic type4, actor type3
 *   - {critic: type6}                # modules not given keep MR.Q's; label optional (default critic=type6)
 * widths: [0.125, 0.25]              # width multipliers
 * seeds: 3                           # a count (0, 1, 2) or a list
 * steps: 5000                        # environment steps per run
 * warmup: 1000                       # default: 10,000 for MR.Q, 5,000 for SAC and DDPG
 * eval_interval: 500                 # default 5,000
 * eval_episodes: 5                   # default 10
 * log_interval: 250                  # default 1,000
 * checkpoint_interval: 2500          # default 50,000
 * keep_checkpoints: 2                # default 2
 * batch: 256                         # default 256
 * replay_max: 1000000                # replay slots at most (default 1,000,000)
 * </pre>
 *
 * Every key is checked: an unknown one, a bad regime or an unregistered task fails here, before any run starts.
 */
public record SweepDefinition(String name, String notes, List<Grid> grids) {
    static final List<String> GRID_KEYS = List.of("tasks", "algorithms", "regimes", "architectures", "widths",
            "seeds", "steps",
            "warmup", "eval_interval", "eval_episodes", "log_interval", "checkpoint_interval", "keep_checkpoints",
            "batch", "replay_max");
    private static final List<String> REGIME_KEYS = List.of("label", "base", "all", "encoder", "critic", "actor");
    private static final List<String> ARCHITECTURE_KEYS = List.of("label", "encoder", "critic", "actor");

    /** One grid: its axes and the schedule of its runs; {@code warmup} null means the algorithm's default. */
    public record Grid(List<String> tasks, List<String> algorithms, List<Regimes> regimes,
                       List<Architectures> architectures, List<Double> widths,
                       List<Long> seeds, long steps, Long warmup, long evalInterval, int evalEpisodes,
                       long logInterval, long checkpointInterval, int keepCheckpoints, int batch, int replayMax) {
    }

    /** A named per-module plan (regime specs of {@link dev.topiary.sparse.RegimeSpec}). */
    public record Regimes(String label, String encoder, String critic, String actor) {
    }

    /**
     * Architecture types per module ({@code type1} to {@code type6} of {@link dev.topiary.nn.ArchType}; null keeps
     * MR.Q's), with an optional label.
     */
    public record Architectures(String label, String encoder, String critic, String actor) {
        /** MR.Q's own types in every module. */
        public static final Architectures MRQ = new Architectures(null, null, null, null);
    }

    /** Reads and checks a sweep file. */
    public static SweepDefinition read(Path file) {
        return parse(readTree(file), file.toString());
    }

    /**
     * A sweep file as a tree, unchecked (for overrides before {@link #parse}): YAML for {@code .yaml}/{@code .yml},
     * JSON otherwise.
     */
    public static JsonNode readTree(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = n.endsWith(".yaml") || n.endsWith(".yml") ? new ObjectMapper(new YAMLFactory())
                : new ObjectMapper();
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("sweep file " + file + " does not exist; give a .yaml or .json sweep "
                    + "file, or a built-in one with --preset");
        }
        try {
            return mapper.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("sweep file " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** Checks a sweep given as a tree; {@code source} names it in error messages. */
    public static SweepDefinition parse(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw bad(source, "the top level must be a mapping of keys (name, tasks, regimes, ...)");
        }
        List<String> allowed = new ArrayList<>(List.of("name", "notes", "grids"));
        allowed.addAll(GRID_KEYS);
        checkKeys(root, allowed, source, "top level");
        String name = text(root, "name", source, null);
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw bad(source, "'name' is required and may hold letters, digits, '.', '_' and '-', got " + name);
        }
        String notes = text(root, "notes", source, "");
        List<Grid> grids = new ArrayList<>();
        JsonNode list = root.get("grids");
        if (list == null) {
            grids.add(grid(root, source + " (top level)"));
        } else {
            if (!list.isArray() || list.isEmpty()) {
                throw bad(source, "'grids' must be a non-empty list of mappings");
            }
            for (int i = 0; i < list.size(); i++) {
                JsonNode g = list.get(i);
                String where = source + " grids[" + i + "]";
                if (!g.isObject()) {
                    throw bad(where, "a grid must be a mapping");
                }
                checkKeys(g, GRID_KEYS, where, "grid");
                ObjectNode merged = root.deepCopy();
                merged.remove("grids");
                merged.setAll((ObjectNode) g);
                grids.add(grid(merged, where));
            }
        }
        return new SweepDefinition(name, notes, List.copyOf(grids));
    }

    private static Grid grid(JsonNode g, String where) {
        List<String> tasks = strings(g, "tasks", where, null);
        List<String> algorithms = strings(g, "algorithms", where, List.of("mrq"));
        JsonNode regimeList = g.get("regimes");
        if (regimeList == null || !regimeList.isArray() || regimeList.isEmpty()) {
            throw bad(where, "'regimes' must be a non-empty list (e.g. [mst, dense])");
        }
        List<Regimes> regimes = new ArrayList<>();
        for (int i = 0; i < regimeList.size(); i++) {
            regimes.add(regimes(regimeList.get(i), where + " regimes[" + i + "]"));
        }
        List<Architectures> architectures = new ArrayList<>();
        JsonNode archList = g.get("architectures");
        if (archList == null) {
            architectures.add(Architectures.MRQ);
        } else {
            if (!archList.isArray() || archList.isEmpty()) {
                throw bad(where, "'architectures' must be a non-empty list (e.g. [mrq, {critic: type6}])");
            }
            for (int i = 0; i < archList.size(); i++) {
                architectures.add(architectures(archList.get(i), where + " architectures[" + i + "]"));
            }
        }
        List<Double> widths = new ArrayList<>();
        for (JsonNode w : list(g, "widths", where)) {
            if (!w.isNumber() || !(w.asDouble() > 0)) {
                throw bad(where, "'widths' must hold positive numbers, got " + w);
            }
            widths.add(w.asDouble());
        }
        JsonNode seedNode = g.get("seeds");
        List<Long> seeds = new ArrayList<>();
        if (seedNode != null && seedNode.isIntegralNumber()) {
            for (long s = 0; s < seedNode.asLong(); s++) {
                seeds.add(s);
            }
        } else {
            for (JsonNode s : list(g, "seeds", where)) {
                if (!s.isIntegralNumber()) {
                    throw bad(where, "'seeds' must be a count or a list of integers, got " + s);
                }
                seeds.add(s.asLong());
            }
        }
        if (seeds.isEmpty()) {
            throw bad(where, "'seeds' must name at least one seed");
        }
        long steps = number(g, "steps", where, null);
        JsonNode w = g.get("warmup");
        Long warmup = w == null ? null : number(g, "warmup", where, null);
        return new Grid(List.copyOf(tasks), List.copyOf(algorithms), List.copyOf(regimes),
                List.copyOf(architectures), List.copyOf(widths),
                List.copyOf(seeds), steps, warmup, number(g, "eval_interval", where, 5_000L),
                integer(g, "eval_episodes", where, 10), number(g, "log_interval", where, 1_000L),
                number(g, "checkpoint_interval", where, 50_000L), integer(g, "keep_checkpoints", where, 2),
                integer(g, "batch", where, 256), integer(g, "replay_max", where, 1_000_000));
    }

    private static Regimes regimes(JsonNode r, String where) {
        if (r.isTextual()) {
            String preset = r.asText().trim();
            var plan = Expansion.plan(preset, where);
            return new Regimes(preset, Expansion.format(plan.encoder()), Expansion.format(plan.critic()),
                    Expansion.format(plan.actor()));
        }
        if (!r.isObject()) {
            throw bad(where, "a regime is a preset string (mst, dense, static:0.6, ...) or a mapping with label, "
                    + "base, all, encoder, critic, actor");
        }
        checkKeys(r, REGIME_KEYS, where, "regime");
        String base = text(r, "base", where, "mst");
        var plan = Expansion.plan(base, where);
        String all = text(r, "all", where, null);
        if (all != null && (r.has("encoder") || r.has("critic") || r.has("actor"))) {
            throw bad(where, "give 'all' or per-module regimes, not both");
        }
        String enc = all != null ? all : text(r, "encoder", where, Expansion.format(plan.encoder()));
        String cri = all != null ? all : text(r, "critic", where, Expansion.format(plan.critic()));
        String act = all != null ? all : text(r, "actor", where, Expansion.format(plan.actor()));
        String label = text(r, "label", where, null);
        return new Regimes(label, Expansion.canonical(enc, where), Expansion.canonical(cri, where),
                Expansion.canonical(act, where));
    }

    private static Architectures architectures(JsonNode a, String where) {
        if (a.isTextual() && a.asText().trim().equals("mrq")) {
            return Architectures.MRQ;
        }
        if (!a.isObject()) {
            throw bad(where, "an architecture is 'mrq' (MR.Q's own types) or a mapping with label, encoder, critic, "
                    + "actor, each a type: " + ArchType.forms());
        }
        checkKeys(a, ARCHITECTURE_KEYS, where, "architecture");
        String[] types = new String[3];
        String[] modules = {"encoder", "critic", "actor"};
        for (int i = 0; i < 3; i++) {
            JsonNode t = a.get(modules[i]);
            if (t == null) {
                continue;
            }
            if (!t.isTextual() && !t.isIntegralNumber()) {
                throw bad(where, "'" + modules[i] + "' must be a type: " + ArchType.forms() + "; got " + t);
            }
            try {
                types[i] = ArchType.parse(t.asText()).label();
            } catch (IllegalArgumentException e) {
                throw bad(where, modules[i] + ": " + e.getMessage());
            }
        }
        return new Architectures(text(a, "label", where, null), types[0], types[1], types[2]);
    }

    private static void checkKeys(JsonNode node, List<String> allowed, String where, String what) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            String k = it.next().getKey();
            if (!allowed.contains(k)) {
                throw bad(where, "unknown " + what + " key '" + k + "'; the keys are " + allowed);
            }
        }
    }

    private static List<JsonNode> list(JsonNode g, String key, String where) {
        JsonNode n = g.get(key);
        if (n == null || !n.isArray() || n.isEmpty()) {
            throw bad(where, "'" + key + "' must be a non-empty list");
        }
        List<JsonNode> out = new ArrayList<>();
        n.forEach(out::add);
        return out;
    }

    private static List<String> strings(JsonNode g, String key, String where, List<String> fallback) {
        if (g.get(key) == null && fallback != null) {
            return fallback;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : list(g, key, where)) {
            if (!s.isTextual() || s.asText().isBlank()) {
                throw bad(where, "'" + key + "' must hold non-empty strings, got " + s);
            }
            out.add(s.asText().trim());
        }
        return out;
    }

    private static String text(JsonNode g, String key, String where, String fallback) {
        JsonNode n = g.get(key);
        if (n == null) {
            return fallback;
        }
        if (!n.isTextual()) {
            throw bad(where, "'" + key + "' must be a string, got " + n);
        }
        return n.asText().trim();
    }

    private static long number(JsonNode g, String key, String where, Long fallback) {
        JsonNode n = g.get(key);
        if (n == null) {
            if (fallback == null) {
                throw bad(where, "'" + key + "' is required");
            }
            return fallback;
        }
        if (!n.isIntegralNumber() || n.asLong() < 0) {
            throw bad(where, "'" + key + "' must be a non-negative integer, got " + n);
        }
        return n.asLong();
    }

    private static int integer(JsonNode g, String key, String where, int fallback) {
        long v = number(g, key, where, (long) fallback);
        if (v > Integer.MAX_VALUE) {
            throw bad(where, "'" + key + "' = " + v + " is too large (at most " + Integer.MAX_VALUE + ")");
        }
        return (int) v;
    }

    static IllegalArgumentException bad(String where, String why) {
        return new IllegalArgumentException("sweep " + where + ": " + why);
    }
}
