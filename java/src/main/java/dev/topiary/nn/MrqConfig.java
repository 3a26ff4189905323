package dev.topiary.nn;

/**
 * Shapes of MR.Q's networks (official defaults: hidden 512, z_s 512, z_sa 512, z_a 256, 65 reward bins) and the
 * architecture type of each module. The width multiplier scales every hidden and embedding width (hidden, z_s, z_sa,
 * z_a), not the observation, action or bin counts.
 *
 * @param obsDim          observation features
 * @param actionDim       action dimensions
 * @param widthMultiplier m, the scaling knob
 * @param encoderType     MR.Q: Type 4 (ELU + LN)
 * @param valueType       MR.Q: Type 4; Type 6 adds the pre-layer residuals MST's checklist suggests
 * @param policyType      MR.Q: Type 3 (ReLU + LN)
 */
public record MrqConfig(int obsDim, int actionDim, double widthMultiplier, ArchType encoderType, ArchType valueType,
                        ArchType policyType, int hidden, int zsDim, int zsaDim, int zaDim, int rewardBins) {

    public MrqConfig {
        if (obsDim < 1 || actionDim < 1 || !(widthMultiplier > 0) || hidden < 1 || zsDim < 1 || zsaDim < 1
                || zaDim < 1 || rewardBins < 2) {
            throw new IllegalArgumentException("MR.Q config needs positive dimensions and multiplier, ≥ 2 bins");
        }
    }

    /** MR.Q's defaults for a task with these observation and action sizes. */
    public static MrqConfig defaults(int obsDim, int actionDim) {
        return new MrqConfig(obsDim, actionDim, 1, ArchType.TYPE_4, ArchType.TYPE_4, ArchType.TYPE_3, 512, 512, 512,
                256, 65);
    }

    public MrqConfig withWidthMultiplier(double m) {
        return new MrqConfig(obsDim, actionDim, m, encoderType, valueType, policyType, hidden, zsDim, zsaDim, zaDim,
                rewardBins);
    }

    public MrqConfig withTypes(ArchType encoder, ArchType value, ArchType policy) {
        return new MrqConfig(obsDim, actionDim, widthMultiplier, encoder, value, policy, hidden, zsDim, zsaDim, zaDim,
                rewardBins);
    }

    /** The critic with pre-layer residuals (its type's activation, LayerNorm, residual: Type 5 or 6). */
    public MrqConfig withCriticResiduals() {
        ArchType v = valueType.activation() == ArchType.TYPE_6.activation() ? ArchType.TYPE_6 : ArchType.TYPE_5;
        return withTypes(encoderType, v, policyType);
    }

    int scaled(int width) {
        return (int) Math.max(1, Math.round(width * widthMultiplier));
    }

    /** z_s width after scaling. */
    public int zs() {
        return scaled(zsDim);
    }

    /** z_sa width after scaling. */
    public int zsa() {
        return scaled(zsaDim);
    }

    /** z_a width after scaling. */
    public int za() {
        return scaled(zaDim);
    }

    /** Hidden width after scaling. */
    public int hiddenWidth() {
        return scaled(hidden);
    }
}
