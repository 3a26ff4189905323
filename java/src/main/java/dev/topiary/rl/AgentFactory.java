package dev.topiary.rl;

import dev.topiary.JvmFlags;
import dev.topiary.backend.Backend;
import dev.topiary.env.Env;
import dev.topiary.rl.ddpg.DdpgAgent;
import dev.topiary.rl.ddpg.DdpgHyperParameters;
import dev.topiary.rl.mrq.MrqAgent;
import dev.topiary.rl.mrq.MrqHyperParameters;
import dev.topiary.rl.sac.SacAgent;
import dev.topiary.rl.sac.SacHyperParameters;

/**
 * Builds the agent a {@link RunSpec} names, with that algorithm's defaults for everything the spec leaves out. MR.Q
 * takes the spec's architecture type per module; SAC and DDPG (SimBa networks) have none, and the spec refuses types
 * for them.
 */
public final class AgentFactory {
    private AgentFactory() {
    }

    /** A fresh agent for {@code spec} acting in {@code env} (whose spaces set the network shapes). */
    public static Agent create(RunSpec spec, Backend backend, Env env) {
        JvmFlags.check();
        int obsDim = env.observationSpace().flatSize();
        ActionCodec codec = new ActionCodec(env.actionSpace());
        long seed = spec.schedule().seed();
        long calls = spec.schedule().trainCalls();
        return switch (spec.algorithm()) {
            case "mrq" -> {
                MrqHyperParameters d = MrqHyperParameters.defaults();
                MrqHyperParameters.Generic g = d.generic();
                MrqHyperParameters.Networks n = d.networks();
                MrqHyperParameters hp = d.withNetworks(new MrqHyperParameters.Networks(n.zs(), n.zsa(), n.za(),
                        n.hidden(), spec.widthMultiplier(), spec.encoderType(), spec.criticType(),
                        spec.actorType())).withGeneric(new MrqHyperParameters.Generic(spec.batchSize(),
                        g.bufferSize(), g.discount(), g.targetUpdateInterval()));
                yield new MrqAgent(backend, obsDim, codec, hp, spec.plan(), calls, spec.replayCapacity(), seed);
            }
            case "sac" -> new SacAgent(backend, obsDim, codec, SacHyperParameters.defaults()
                    .withWidthMultiplier(spec.widthMultiplier()).withBatchSize(spec.batchSize()), spec.plan(), calls,
                    spec.replayCapacity(), seed);
            case "ddpg" -> new DdpgAgent(backend, obsDim, codec, DdpgHyperParameters.defaults()
                    .withWidthMultiplier(spec.widthMultiplier()).withBatchSize(spec.batchSize()), spec.plan(), calls,
                    spec.replayCapacity(), seed);
            default -> throw new IllegalArgumentException("algorithm '" + spec.algorithm()
                    + "' is not available in this build; use mrq, sac or ddpg");
        };
    }
}
