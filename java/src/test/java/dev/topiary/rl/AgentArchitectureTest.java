package dev.topiary.rl;

import dev.topiary.backend.Backend;
import dev.topiary.backend.NnOps.Activation;
import dev.topiary.backend.cpu.CpuBackend;
import dev.topiary.env.Env;
import dev.topiary.env.EnvRegistry;
import dev.topiary.nn.ActivationLayer;
import dev.topiary.nn.ArchType;
import dev.topiary.nn.Layer;
import dev.topiary.nn.LayerNorm;
import dev.topiary.nn.Network;
import dev.topiary.nn.PreResidual;
import dev.topiary.nn.Sequential;
import dev.topiary.sparse.SparseModule;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run spec's architecture types reach MR.Q's networks; agents without types refuse them. */
class AgentArchitectureTest {
    private static final TrainConfig SCHEDULE = new TrainConfig(400, 300, 0, 1, 100, 0, 1, 0);

    private static RunSpec spec(String algorithm, String encoder, String critic, String actor) {
        return new RunSpec(algorithm, "Pendulum-v1", "dense", "rigl:0.6:1000", "static:0.6", encoder, critic, actor,
                0.0625, 16, 1_000, SCHEDULE);
    }

    /** Per module: its activations, whether it has LayerNorm, and its pre-layer residual blocks. */
    private static Map<String, String> structure(RunSpec spec) {
        Map<String, String> out = new LinkedHashMap<>();
        try (Backend backend = new CpuBackend(1)) {
            Env env = EnvRegistry.make(spec.env());
            try (Agent agent = AgentFactory.create(spec, backend, env)) {
                for (SparseModule m : agent.modules()) {
                    TreeSet<String> activations = new TreeSet<>();
                    int[] counts = new int[2];
                    for (Network n : m.module().networks()) {
                        walk(n.root(), activations, counts);
                    }
                    out.put(m.module().name(), activations + " LN=" + (counts[0] > 0) + " residuals=" + counts[1]
                            + " params=" + m.module().parameterCount().total());
                }
            }
        }
        return out;
    }

    private static void walk(Layer layer, TreeSet<String> activations, int[] counts) {
        switch (layer) {
            case Sequential s -> s.layers().forEach(l -> walk(l, activations, counts));
            case PreResidual r -> {
                counts[1]++;
                walk(r.inner(), activations, counts);
            }
            case LayerNorm ignored -> counts[0]++;
            case ActivationLayer a -> activations.add(a.function().name());
            default -> {
            }
        }
    }

    @Test
    void mrqBuildsTheTypesTheSpecNames() {
        Map<String, String> mrq = structure(spec("mrq", null, null, null));
        assertEquals(List.of("encoder", "value", "policy"), List.copyOf(mrq.keySet()));
        assertTrue(mrq.get("encoder").startsWith("[ELU] LN=true residuals=0"), mrq.toString());
        assertTrue(mrq.get("value").startsWith("[ELU] LN=true residuals=0"), mrq.toString());
        assertTrue(mrq.get("policy").startsWith("[RELU] LN=true residuals=0"), mrq.toString());

        Map<String, String> other = structure(spec("mrq", "type1", "6", "TYPE_2"));
        assertTrue(other.get("encoder").startsWith("[RELU] LN=false residuals=0"), other.toString());
        // Two heads, each with its two equal-width hidden layers as pre-layer residual blocks.
        assertTrue(other.get("value").startsWith("[ELU] LN=true residuals=4"), other.toString());
        assertTrue(other.get("policy").startsWith("[ELU] LN=false residuals=0"), other.toString());
        // LayerNorm has no parameters and residuals none: the same counts, only the structure differs.
        for (String module : mrq.keySet()) {
            assertEquals(mrq.get(module).replaceAll(".* params=", ""), other.get(module).replaceAll(".* params=", ""));
        }
    }

    @Test
    void mrqsOwnTypesAreTheDefaultAndOthersAreRefusedForSimbaAgents() {
        RunSpec explicit = spec("mrq", "type4", "4", "type3");
        assertEquals(spec("mrq", null, null, null), explicit, "MR.Q's own types are its default");
        assertNull(explicit.criticArch());
        assertEquals(ArchType.TYPE_3, explicit.actorType());
        assertEquals(Activation.ELU, explicit.encoderType().activation());
        assertEquals("critic=type6", spec("mrq", null, "type6", null).architectureLabel());

        for (String algo : List.of("sac", "ddpg")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> spec(algo, null, "type6", null));
            assertTrue(e.getMessage().contains(algo + " builds SimBa networks")
                    && e.getMessage().contains("--critic-arch") && e.getMessage().contains("--algo mrq"), e.getMessage());
        }
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> spec("mrq", "relu", null, null));
        assertTrue(bad.getMessage().contains("encoder's architecture type 'relu' does not exist")
                && bad.getMessage().contains("type4 (ELU + LayerNorm)"), bad.getMessage());
    }
}
