package dev.topiary.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.topiary.env.EnvRegistry;
import dev.topiary.rl.RunSpec;
import dev.topiary.rl.TrainConfig;
import dev.topiary.sparse.RegimeConfig;
import dev.topiary.sparse.RegimePlan;
import dev.topiary.sparse.RegimeSpec;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Expands a {@link SweepDefinition} into its runs, in a fixed order: grid by grid, then task, algorithm, regime,
 * architecture, width and seed (seed innermost), so index i names the same run every time the same file is expanded.
 * A run's id is the first 12 hex digits of the SHA-256 of its resolved {@link RunSpec} as canonical JSON (properties
 * sorted, no whitespace): the same configuration has the same id in every sweep. A run at MR.Q's own architecture
 * has no architecture fields in that JSON, so its id is the one it had before run specs carried architecture types.
 *
 * <p>A run's label is its regime's label, followed for another architecture by {@code +} and the architecture's
 * label (by default the modules that differ from MR.Q's, e.g. {@code mst+critic=type6}).
 *
 * <p>SAC and DDPG have no encoder: their encoder regime is recorded as {@code dense}, so plans differing only there
 * are the same run and the expansion refuses them as duplicates.
 */
public final class Expansion {
    /** Algorithms whose agents have an encoder module. */
    static final List<String> WITH_ENCODER = List.of("mrq");
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY).build();
    private static final String MST = "dense/" + format(RegimePlan.mst().critic()) + "/"
            + format(RegimePlan.mst().actor());

    private Expansion() {
    }

    /** Every run of {@code def}, checked: tasks registered, regimes and schedules valid, no duplicates. */
    public static List<Manifest.Entry> expand(SweepDefinition def) {
        List<Manifest.Entry> runs = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (int g = 0; g < def.grids().size(); g++) {
            SweepDefinition.Grid grid = def.grids().get(g);
            String where = def.grids().size() == 1 ? def.name() : def.name() + " grids[" + g + "]";
            for (String task : grid.tasks()) {
                checkTask(task, where);
                for (String algo : grid.algorithms()) {
                    if (!RunSpec.ALGORITHMS.contains(algo)) {
                        throw SweepDefinition.bad(where, "unknown algorithm '" + algo + "'; use one of "
                                + RunSpec.ALGORITHMS);
                    }
                    for (SweepDefinition.Regimes r : grid.regimes()) {
                        for (SweepDefinition.Architectures a : grid.architectures()) {
                            for (double width : grid.widths()) {
                                for (long seed : grid.seeds()) {
                                    Manifest.Entry e = entry(runs.size(), grid, task, algo, r, a, width, seed,
                                            where);
                                    String before = seen.putIfAbsent(e.id(), e.name());
                                    if (before != null) {
                                        throw SweepDefinition.bad(where, "runs '" + before + "' and '" + e.name()
                                                + "' have the same configuration (id " + e.id() + "); drop one"
                                                + (WITH_ENCODER.contains(algo) ? "" : " (" + algo + " has no "
                                                + "encoder, so its encoder regime is ignored)")
                                                + (givesTypes(a) && e.spec().defaultArchitecture() ? " (its "
                                                + "architecture types are MR.Q's own, which every run has by "
                                                + "default)" : ""));
                                    }
                                    runs.add(e);
                                }
                            }
                        }
                    }
                }
            }
        }
        return runs;
    }

    private static Manifest.Entry entry(int index, SweepDefinition.Grid grid, String task, String algo,
                                        SweepDefinition.Regimes r, SweepDefinition.Architectures a, double width,
                                        long seed, String where) {
        String encoder = WITH_ENCODER.contains(algo) ? r.encoder() : "dense";
        long warmup = grid.warmup() != null ? grid.warmup() : algo.equals("mrq") ? 10_000 : 5_000;
        RunSpec spec;
        try {
            TrainConfig schedule = new TrainConfig(grid.steps(), warmup, grid.evalInterval(), grid.evalEpisodes(),
                    grid.logInterval(), grid.checkpointInterval(), grid.keepCheckpoints(), seed);
            spec = new RunSpec(algo, task, encoder, r.critic(), r.actor(), a.encoder(), a.critic(), a.actor(), width,
                    grid.batch(), RunSpec.replayFor(grid.steps(), grid.replayMax()), schedule);
        } catch (IllegalArgumentException e) {
            throw SweepDefinition.bad(where, e.getMessage());
        }
        String label = withArchitecture(r.label() != null ? r.label() : label(encoder, r.critic(), r.actor(), algo),
                spec.defaultArchitecture() ? "" : a.label() != null ? a.label() : spec.architectureLabel());
        String name = task + "/" + algo + "/" + label + "/w" + number(width) + "/s" + seed;
        String id = id(spec);
        return new Manifest.Entry(index, id, name, label, directory(name, id), spec);
    }

    /** Fails with the registered ids (and the dog tasks' ids for a bare "dog-run") when {@code task} is unknown. */
    static void checkTask(String task, String where) {
        try {
            EnvRegistry.spec(task);
        } catch (IllegalArgumentException e) {
            String hint = task.contains("dog") ? "; DeepMind Control's dog tasks are dm_control/dog-stand, -walk, "
                    + "-trot and -run (on the dm_control installation TOPIARY_DM_CONTROL names)" : "";
            throw SweepDefinition.bad(where, "task '" + task + "': " + e.getMessage() + hint);
        }
    }

    /** A readable label for a plan: mst, one spec when every module shares it, else encoder/critic/actor. */
    public static String label(String encoder, String critic, String actor, String algo) {
        String triple = encoder + "/" + critic + "/" + actor;
        if (triple.equals(MST)) {
            return "mst";
        }
        if (!WITH_ENCODER.contains(algo)) {
            return critic.equals(actor) ? critic : "critic=" + critic + ",actor=" + actor;
        }
        return encoder.equals(critic) && critic.equals(actor) ? critic : triple;
    }

    private static boolean givesTypes(SweepDefinition.Architectures a) {
        return a.encoder() != null || a.critic() != null || a.actor() != null;
    }

    /** A regime label with an architecture label after it ({@code mst+critic=type6}); unchanged for MR.Q's own. */
    public static String withArchitecture(String regimeLabel, String architectureLabel) {
        return architectureLabel.isEmpty() ? regimeLabel : regimeLabel + "+" + architectureLabel;
    }

    /** The run's id: 12 hex digits of SHA-256 over its canonical JSON. */
    public static String id(RunSpec spec) {
        try {
            byte[] json = CANONICAL.writeValueAsString(spec).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json)).substring(0, 12);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash a run spec: " + e.getMessage(), e);
        }
    }

    /** The run's folder under {@code runs/}: its name with unsafe characters replaced, then its id. */
    static String directory(String name, String id) {
        return name.replaceAll("[^A-Za-z0-9._=-]", "_") + "-" + id;
    }

    /** 0.0625, 1, 2: the shortest plain decimal. */
    public static String number(double x) {
        return new BigDecimal(Double.toString(x)).stripTrailingZeros().toPlainString();
    }

    static RegimePlan plan(String preset, String where) {
        try {
            return RegimeSpec.plan(preset);
        } catch (IllegalArgumentException e) {
            throw SweepDefinition.bad(where, e.getMessage() + "; or mst");
        }
    }

    /** {@code spec} in its canonical short form ({@code rigl:0.6} becomes {@code rigl:0.6:1000}). */
    static String canonical(String spec, String where) {
        try {
            return format(RegimeSpec.parse(spec));
        } catch (IllegalArgumentException e) {
            throw SweepDefinition.bad(where, e.getMessage());
        }
    }

    static String format(RegimeConfig c) {
        return RegimeSpec.format(c);
    }
}
