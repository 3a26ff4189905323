package dev.topiary.nn;

/**
 * Philox stream numbers of the random draws a module makes, so no two draws share numbers: the top byte says what
 * the draw is for, the next bytes which layer (its index in the module's {@link Module#linears()}), the low 40 bits
 * which event (a topology update's step).
 */
public final class Streams {
    private static final long WEIGHT_INIT = 1L << 56;
    private static final long MASK_INIT = 2L << 56;
    private static final long RANDOM_GROWTH = 3L << 56;

    private Streams() {
    }

    /** Initial weight values of layer {@code layer}. */
    public static long weightInit(int layer) {
        return WEIGHT_INIT | (long) layer << 40;
    }

    /** Initial random mask of layer {@code layer}. */
    public static long maskInit(int layer) {
        return MASK_INIT | (long) layer << 40;
    }

    /** Random regrowth (SET) of layer {@code layer} at module step {@code step}. */
    public static long randomGrowth(int layer, long step) {
        return RANDOM_GROWTH | (long) layer << 40 | (step & ((1L << 40) - 1));
    }
}
