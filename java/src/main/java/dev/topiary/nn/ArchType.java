package dev.topiary.nn;

import dev.topiary.backend.NnOps.Activation;

import java.util.Locale;

/**
 * The six architecture types of MST's grid: two activations, each plain, with LayerNorm, or with LayerNorm and
 * pre-layer residuals. The paper's numbering is not public; this is the mapping we use (mst-spec.md §2):
 *
 * <table>
 *   <caption>Type 1–6</caption>
 *   <tr><th>Type</th><th>Activation</th><th>LayerNorm</th><th>Pre-layer residual</th></tr>
 *   <tr><td>1</td><td>ReLU</td><td>no</td><td>no</td></tr>
 *   <tr><td>2</td><td>ELU</td><td>no</td><td>no</td></tr>
 *   <tr><td>3</td><td>ReLU</td><td>yes</td><td>no (MR.Q's actor)</td></tr>
 *   <tr><td>4</td><td>ELU</td><td>yes</td><td>no (MR.Q's encoder and critic)</td></tr>
 *   <tr><td>5</td><td>ReLU</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>6</td><td>ELU</td><td>yes</td><td>yes</td></tr>
 * </table>
 *
 * LayerNorm here has no affine parameters, as in MR.Q, so all six types of one shape have the same parameter count.
 * Run specs, sweep files and the command line name a type {@code type1} to {@code type6} ({@link #label()}); they
 * also accept the bare number ({@link #parse}).
 */
public enum ArchType {
    TYPE_1(Activation.RELU, false, Residual.NONE),
    TYPE_2(Activation.ELU, false, Residual.NONE),
    TYPE_3(Activation.RELU, true, Residual.NONE),
    TYPE_4(Activation.ELU, true, Residual.NONE),
    TYPE_5(Activation.RELU, true, Residual.PRE),
    TYPE_6(Activation.ELU, true, Residual.PRE);

    /** Where a hidden layer's shortcut joins, if it has one. */
    public enum Residual {
        /** No shortcut. */
        NONE,
        /** {@code h + σ(LN(W h + b))}: the shortcut bypasses normalisation and activation. */
        PRE,
        /** {@code σ(LN(h + W h + b))}: the ablation's variant. */
        POST
    }

    private final Activation activation;
    private final boolean layerNorm;
    private final Residual residual;

    ArchType(Activation activation, boolean layerNorm, Residual residual) {
        this.activation = activation;
        this.layerNorm = layerNorm;
        this.residual = residual;
    }

    public Activation activation() {
        return activation;
    }

    public boolean layerNorm() {
        return layerNorm;
    }

    public Residual residual() {
        return residual;
    }

    /** 1 to 6. */
    public int number() {
        return ordinal() + 1;
    }

    /** {@code type1} to {@code type6}: the name run specs, sweep files and the command line use. */
    public String label() {
        return "type" + number();
    }

    /** What the type is made of, e.g. {@code ELU + LayerNorm}. */
    public String describe() {
        return (activation == Activation.RELU ? "ReLU" : "ELU") + (layerNorm ? " + LayerNorm" : "")
                + (residual == Residual.PRE ? " + pre-layer residual" : "");
    }

    /** The valid names with what each is, for help texts and error messages. */
    public static String forms() {
        StringBuilder sb = new StringBuilder();
        for (ArchType t : values()) {
            sb.append(sb.isEmpty() ? "" : ", ").append(t.label()).append(" (").append(t.describe()).append(')');
        }
        return sb.append(", or the number 1 to 6").toString();
    }

    /** The type named {@code type1} to {@code type6} (also {@code TYPE_4}, {@code type-4}) or by its number. */
    public static ArchType parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        String digits = n.replaceFirst("^type[ _-]?", "");
        if (!digits.matches("[1-6]")) {
            throw new IllegalArgumentException("architecture type '" + name + "' does not exist; use one of "
                    + forms());
        }
        return of(Integer.parseInt(digits));
    }

    /** The type of this number (1 to 6). */
    public static ArchType of(int number) {
        if (number < 1 || number > 6) {
            throw new IllegalArgumentException("architecture type " + number + " does not exist; use 1 to 6");
        }
        return values()[number - 1];
    }
}
