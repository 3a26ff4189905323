package dev.topiary.rl.mrq;

import dev.topiary.backend.kernel.KernelBackend;
import dev.topiary.env.Box;
import dev.topiary.nn.Network;
import dev.topiary.nn.Parameter;
import dev.topiary.rl.ActionCodec;
import dev.topiary.sparse.RegimeConfig;
import dev.topiary.sparse.RegimePlan;
import dev.topiary.sparse.SparseModule;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MR.Q's training calls as device graphs (the encoder step, and sampling + value + policy + priorities as one
 * step) end bit-identical to the same calls run op by op, through encoder bursts and RigL topology updates, on the
 * emulated kernels; and a training call without a topology update is one graph launch with no host transfer
 * inside: the replay's sampling, the targets and the priorities stay on the device.
 */
public class MrqGraphedTest {
    private static final int OBS = 5;

    @Test
    void graphedTrainingMatchesEagerTrainingAndACallIsOneGraphLaunch() {
        assertGraphedMatchesEager(() -> KernelBackend.emulated(64));
    }

    /**
     * Trains two agents for 24 calls on two backends from {@code open}, one graphed and one op by op, and checks
     * that they end bit-identical and that call 21 was one graph launch (the CUDA backend's tests call it too).
     */
    public static void assertGraphedMatchesEager(java.util.function.Supplier<KernelBackend> open) {
        KernelBackend graphed = open.get();
        KernelBackend eager = open.get();
        graphed.useGraphs(true);
        eager.useGraphs(false);
        try (graphed; eager; MrqAgent g = agent(graphed); MrqAgent e = agent(eager)) {
            SplittableRandom rg = new SplittableRandom(9);
            SplittableRandom re = new SplittableRandom(9);
            double[] og = rg.doubles(OBS, -1, 1).toArray();
            double[] oe = re.doubles(OBS, -1, 1).toArray();
            for (int t = 0; t < 30; t++) {
                og = observe(g, rg, og, t);
                oe = observe(e, re, oe, t);
            }
            Map<String, Long> before = null;
            Map<String, Long> after = null;
            for (int call = 0; call < 24; call++) {
                og = observe(g, rg, og, 30 + call);
                oe = observe(e, re, oe, 30 + call);
                if (call == 21) {
                    before = graphed.graphCounters();
                }
                g.train();
                e.train();
                if (call == 21) {
                    after = graphed.graphCounters();
                }
            }
            List<double[]> pg = parameters(g);
            List<double[]> pe = parameters(e);
            for (int i = 0; i < pg.size(); i++) {
                assertArrayEquals(pe.get(i), pg.get(i), "parameter tensor " + i + " after 24 calls");
            }
            assertEquals(e.metrics(), g.metrics());
            // Call 21: no target period starts (interval 5) and RigL (every 4 value steps) is not due.
            assertEquals(1, after.get("segments") - before.get("segments"), "segments of call 21: " + after);
            assertEquals(1, after.get("graph_launches") - before.get("graph_launches"), after.toString());
            assertEquals(0, after.get("graph_builds") - before.get("graph_builds"), after.toString());
            assertTrue(after.get("graph_nodes_launched") - before.get("graph_nodes_launched") > 50,
                    "the whole value and policy update is in the graph: " + after);
            assertEquals(0, eager.graphCounters().get("segments"));
        }
    }

    /** The parameters after 24 graphed training calls on {@code b} (closed after), for run-to-run comparisons. */
    public static List<double[]> trainedParameters(KernelBackend b) {
        try (b; MrqAgent a = agent(b)) {
            SplittableRandom r = new SplittableRandom(9);
            double[] o = r.doubles(OBS, -1, 1).toArray();
            for (int t = 0; t < 30; t++) {
                o = observe(a, r, o, t);
            }
            for (int call = 0; call < 24; call++) {
                o = observe(a, r, o, 30 + call);
                a.train();
            }
            return parameters(a);
        }
    }

    private static MrqAgent agent(KernelBackend b) {
        RegimePlan plan = new RegimePlan("mst-fast", RegimeConfig.dense(), new RegimeConfig.RigL(0.6, 4, 0.3, 0.75),
                RegimeConfig.staticSparse(0.6));
        MrqHyperParameters hp = MrqHyperParameters.defaults().withWidthMultiplier(1.0 / 32)
                .withGeneric(new MrqHyperParameters.Generic(8, 1000, 0.99, 5));
        return new MrqAgent(b, OBS, new ActionCodec(Box.uniform(-1, 1, 2)), hp, plan, 60, 400, 23);
    }

    private static double[] observe(MrqAgent agent, SplittableRandom rng, double[] obs, int t) {
        double[] action = {rng.nextDouble(-1, 1), rng.nextDouble(-1, 1)};
        double[] next = rng.doubles(OBS, -1, 1).toArray();
        boolean end = t % 25 == 24;
        agent.observe(obs, action, rng.nextDouble(-1, 1), next, t == 49, end && t != 49);
        return end ? rng.doubles(OBS, -1, 1).toArray() : next;
    }

    /** Every trained module's parameter values, in order. */
    static List<double[]> parameters(MrqAgent agent) {
        List<double[]> all = new ArrayList<>();
        for (SparseModule m : agent.modules()) {
            for (Network n : m.module().networks()) {
                for (Parameter p : n.parameters()) {
                    all.add(p.value().toDoubles());
                }
            }
        }
        return all;
    }
}
