package dev.topiary.sparse;

/**
 * Which regime each module of an actor-critic agent trains under. MST (Module-Specific Training) is the preset
 * {@link #mst()}: encoder dense, critic RigL at sparsity 0.6 (ER), actor static sparse at 0.6 (ER). Agents without an
 * encoder (SAC, DDPG) ignore that entry.
 */
public record RegimePlan(String name, RegimeConfig encoder, RegimeConfig critic, RegimeConfig actor) {

    /** MST's recipe with the default schedules. */
    public static RegimePlan mst() {
        return new RegimePlan("mst", RegimeConfig.dense(), RegimeConfig.rigl(0.6), RegimeConfig.staticSparse(0.6));
    }

    /** Every module dense (the baseline). */
    public static RegimePlan dense() {
        return uniform("dense", RegimeConfig.dense());
    }

    /** The same regime for every module. */
    public static RegimePlan uniform(String name, RegimeConfig all) {
        return new RegimePlan(name, all, all, all);
    }

    /**
     * The regime of a module by its role: "encoder"; "critic" or "value"; "actor" or "policy".
     */
    public RegimeConfig forModule(String module) {
        return switch (module) {
            case "encoder" -> encoder;
            case "critic", "value" -> critic;
            case "actor", "policy" -> actor;
            default -> throw new IllegalArgumentException("regime plan " + name + " has no entry for module '" + module
                    + "'; use encoder, critic (value) or actor (policy)");
        };
    }
}
