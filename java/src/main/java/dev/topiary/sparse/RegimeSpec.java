package dev.topiary.sparse;

import java.util.Locale;

/**
 * Regimes as short strings, for the command line and {@code config.json}: {@code dense}, {@code static:0.6},
 * {@code rigl:0.6}, {@code set:0.6}, {@code gmp:0.6}, {@code sparse-to-dense:0.6}, optionally with the update interval
 * ΔT after a second colon ({@code rigl:0.8:500}). The sparsity defaults to 0.6 and ΔT to 1000; the other schedule
 * settings take the defaults of {@link RegimeConfig}.
 */
public final class RegimeSpec {
    public static final String FORMS = "dense, static[:s], rigl[:s[:ΔT]], set[:s[:ΔT]], gmp[:s[:ΔT]], "
            + "sparse-to-dense[:s0[:ΔT]] (s = sparsity in [0, 1), default 0.6; ΔT default 1000)";

    private RegimeSpec() {
    }

    /** The regime {@code spec} names; a bad spec fails with the accepted forms. */
    public static RegimeConfig parse(String spec) {
        String[] parts = spec.trim().toLowerCase(Locale.ROOT).split(":", -1);
        if (parts.length > 3) {
            throw bad(spec, "too many ':' parts");
        }
        double s = parts.length > 1 ? number(spec, parts[1]) : RegimeConfig.DEFAULT_SPARSITY;
        int interval = parts.length > 2 ? (int) number(spec, parts[2]) : RegimeConfig.DEFAULT_INTERVAL;
        try {
            return switch (parts[0]) {
                case "dense" -> {
                    if (parts.length > 1) {
                        throw bad(spec, "dense takes no sparsity");
                    }
                    yield RegimeConfig.dense();
                }
                case "static", "sst" -> {
                    if (parts.length > 2) {
                        throw bad(spec, "a static mask has no update interval");
                    }
                    yield RegimeConfig.staticSparse(s);
                }
                case "rigl" -> new RegimeConfig.RigL(s, interval, 0.3, 0.8);
                case "set" -> new RegimeConfig.Set(s, interval, 0.3, 0.8);
                case "gmp" -> new RegimeConfig.Gmp(s, interval, 0.2, 0.8);
                case "sparse-to-dense", "s2d" -> new RegimeConfig.SparseToDense(s, interval, 0.8);
                default -> throw bad(spec, "unknown regime '" + parts[0] + "'");
            };
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith("regime '") ? e : bad(spec, e.getMessage());
        }
    }

    /** The short form of {@code config} (inverse of {@link #parse} for the settings it exposes). */
    public static String format(RegimeConfig config) {
        return switch (config) {
            case RegimeConfig.Dense d -> "dense";
            case RegimeConfig.StaticSparse st -> "static:" + st.sparsity();
            case RegimeConfig.RigL r -> "rigl:" + r.sparsity() + ":" + r.interval();
            case RegimeConfig.Set r -> "set:" + r.sparsity() + ":" + r.interval();
            case RegimeConfig.Gmp g -> "gmp:" + g.sparsity() + ":" + g.interval();
            case RegimeConfig.SparseToDense g -> "sparse-to-dense:" + g.initialSparsity() + ":" + g.interval();
        };
    }

    /**
     * A plan by preset name: {@code mst} (encoder dense, critic RigL 0.6, actor static 0.6) or any single regime
     * spec applied to every module ({@code dense}, {@code static:0.6}, ...).
     */
    public static RegimePlan plan(String preset) {
        if (preset.trim().equalsIgnoreCase("mst")) {
            return RegimePlan.mst();
        }
        return RegimePlan.uniform(preset.trim(), parse(preset));
    }

    private static double number(String spec, String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw bad(spec, "'" + text + "' is not a number");
        }
    }

    private static IllegalArgumentException bad(String spec, String why) {
        return new IllegalArgumentException("regime '" + spec + "': " + why + "; use one of " + FORMS);
    }
}
