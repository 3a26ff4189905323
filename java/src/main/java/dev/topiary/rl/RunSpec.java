package dev.topiary.rl;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.topiary.nn.ArchType;
import dev.topiary.rl.mrq.MrqHyperParameters;
import dev.topiary.sparse.RegimePlan;
import dev.topiary.sparse.RegimeSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything that defines a training run, as {@code topiary train} resolves it and {@code config.json} records it:
 * a resumed or evaluated run is rebuilt from this alone.
 *
 * <p>The architecture types ({@link ArchType}, {@code type1} to {@code type6}) are null for MR.Q's own networks
 * (encoder and critic Type 4, actor Type 3): a type equal to MR.Q's is stored as null, and null is left out of the
 * JSON, so a run at MR.Q's architecture has the same {@code config.json}, manifest entry and run id as before run
 * specs carried types. SAC and DDPG build SimBa networks, which have no such types: any type is refused for them.
 *
 * @param algorithm       "mrq", "sac" or "ddpg"
 * @param env             an environment id of {@link dev.topiary.env.EnvRegistry}
 * @param encoderRegime   regime spec of the encoder ({@link RegimeSpec}); ignored by agents without one
 * @param criticRegime    regime spec of the critic (MR.Q's value network)
 * @param actorRegime     regime spec of the actor (MR.Q's policy)
 * @param encoderArch     architecture type of MR.Q's encoder ({@code type1} to {@code type6}); null: Type 4
 * @param criticArch      architecture type of MR.Q's value network; null: Type 4
 * @param actorArch       architecture type of MR.Q's policy; null: Type 3
 * @param widthMultiplier scales every hidden width (1 = the algorithm's default networks)
 * @param batchSize       minibatch size of every update
 * @param replayCapacity  replay slots
 * @param schedule        steps, warm-up, evaluation, logging and checkpoint intervals, seed
 */
public record RunSpec(String algorithm, String env, String encoderRegime, String criticRegime, String actorRegime,
                      @JsonInclude(JsonInclude.Include.NON_NULL) String encoderArch,
                      @JsonInclude(JsonInclude.Include.NON_NULL) String criticArch,
                      @JsonInclude(JsonInclude.Include.NON_NULL) String actorArch,
                      double widthMultiplier, int batchSize, int replayCapacity, TrainConfig schedule) {
    public static final List<String> ALGORITHMS = List.of("mrq", "sac", "ddpg");
    /** The modules that take an architecture type, in the order of the spec. */
    public static final List<String> MODULES = List.of("encoder", "critic", "actor");
    private static final MrqHyperParameters.Networks MRQ = MrqHyperParameters.defaults().networks();

    public RunSpec {
        if (!ALGORITHMS.contains(algorithm)) {
            throw new IllegalArgumentException("unknown algorithm '" + algorithm + "'; use one of " + ALGORITHMS);
        }
        if (!(widthMultiplier > 0) || widthMultiplier > 64) {
            throw new IllegalArgumentException("width multiplier " + widthMultiplier + " must lie in (0, 64]");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be ≥ 1");
        }
        if (replayCapacity < 16) {
            throw new IllegalArgumentException("replay capacity " + replayCapacity + " must be ≥ 16");
        }
        for (String r : new String[]{encoderRegime, criticRegime, actorRegime}) {
            RegimeSpec.parse(java.util.Objects.requireNonNull(r, "a module's regime is missing"));
        }
        encoderArch = architecture("encoder", encoderArch, algorithm, MRQ.encoderType());
        criticArch = architecture("critic", criticArch, algorithm, MRQ.valueType());
        actorArch = architecture("actor", actorArch, algorithm, MRQ.policyType());
    }

    /** A run at the algorithm's own architecture. */
    public RunSpec(String algorithm, String env, String encoderRegime, String criticRegime, String actorRegime,
                   double widthMultiplier, int batchSize, int replayCapacity, TrainConfig schedule) {
        this(algorithm, env, encoderRegime, criticRegime, actorRegime, null, null, null, widthMultiplier, batchSize,
                replayCapacity, schedule);
    }

    /** The regimes per module; a bad spec fails here, before any work. */
    public RegimePlan plan() {
        return new RegimePlan(encoderRegime + "/" + criticRegime + "/" + actorRegime, RegimeSpec.parse(encoderRegime),
                RegimeSpec.parse(criticRegime), RegimeSpec.parse(actorRegime));
    }

    /** The encoder's type (MR.Q's Type 4 when the spec leaves it out). */
    public ArchType encoderType() {
        return encoderArch == null ? MRQ.encoderType() : ArchType.parse(encoderArch);
    }

    /** The critic's (value network's) type (MR.Q's Type 4 when the spec leaves it out). */
    public ArchType criticType() {
        return criticArch == null ? MRQ.valueType() : ArchType.parse(criticArch);
    }

    /** The actor's (policy's) type (MR.Q's Type 3 when the spec leaves it out). */
    public ArchType actorType() {
        return actorArch == null ? MRQ.policyType() : ArchType.parse(actorArch);
    }

    /** True when every module has the algorithm's own architecture. */
    public boolean defaultArchitecture() {
        return encoderArch == null && criticArch == null && actorArch == null;
    }

    /** The types that differ from MR.Q's, e.g. {@code encoder=type1,critic=type6}; empty at MR.Q's own. */
    public String architectureLabel() {
        return architectureLabel(encoderArch, criticArch, actorArch);
    }

    /** {@link #architectureLabel()} of recorded types (null: MR.Q's). */
    public static String architectureLabel(String encoder, String critic, String actor) {
        List<String> parts = new ArrayList<>();
        String[] types = {encoder, critic, actor};
        for (int i = 0; i < types.length; i++) {
            if (types[i] != null) {
                parts.add(MODULES.get(i) + "=" + types[i]);
            }
        }
        return String.join(",", parts);
    }

    /** Replay slots a run of {@code totalSteps} needs (every step, plus final observations), capped at {@code max}. */
    public static int replayFor(long totalSteps, int max) {
        return (int) Math.min(max, totalSteps + totalSteps / 2 + 1_000);
    }

    /** {@code given} in canonical form, null for MR.Q's own type; refused for agents without types. */
    private static String architecture(String module, String given, String algorithm, ArchType mrqDefault) {
        if (given == null) {
            return null;
        }
        ArchType type;
        try {
            type = ArchType.parse(given);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + module + "'s " + e.getMessage());
        }
        if (!algorithm.equals("mrq")) {
            throw new IllegalArgumentException(algorithm + " builds SimBa networks, which have no architecture types, "
                    + "so its " + module + " cannot be " + type.label() + "; drop the " + module + " type (--"
                    + module + "-arch, or the sweep's architectures axis) or use --algo mrq");
        }
        return type == mrqDefault ? null : type.label();
    }
}
