package dev.topiary.rl.simba;

import dev.topiary.backend.Backend;
import dev.topiary.backend.kernel.KernelBackend;
import dev.topiary.nn.Module;
import dev.topiary.rl.Agent;
import dev.topiary.rl.ddpg.DdpgAgent;
import dev.topiary.rl.ddpg.DdpgHyperParameters;
import dev.topiary.rl.sac.SacAgent;
import dev.topiary.rl.sac.SacHyperParameters;
import dev.topiary.rl.simba.SimbaAgentFixture.Transition;
import dev.topiary.sparse.RegimeConfig;
import dev.topiary.sparse.RegimePlan;
import dev.topiary.sparse.SparseModule;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SAC's and DDPG's updates as device graphs end bit-identical to the same updates run op by op (through RigL
 * topology updates of the critic) on the emulated kernels, and an update without a topology change is one graph
 * launch: no host transfer inside it.
 */
class SimbaGraphedTest {
    private static final int STEPS = 70;
    private static final int WARMUP = 40;

    @ParameterizedTest
    @ValueSource(strings = {"sac", "ddpg"})
    void graphedUpdatesMatchEagerUpdates(String algorithm) {
        List<Transition> data = SimbaAgentFixture.pendulum(STEPS, 7);
        KernelBackend graphed = KernelBackend.emulated(64);
        KernelBackend eager = KernelBackend.emulated(64);
        eager.useGraphs(false);
        Function<Backend, Agent> make = algorithm.equals("sac") ? SimbaGraphedTest::sac : SimbaGraphedTest::ddpg;
        try (graphed; eager; Agent g = make.apply(graphed); Agent e = make.apply(eager)) {
            List<double[]> actsG = SimbaAgentFixture.feed(g, data, 0, STEPS - 1, WARMUP);
            List<double[]> actsE = SimbaAgentFixture.feed(e, data, 0, STEPS - 1, WARMUP);
            for (int i = 0; i < actsE.size(); i++) {
                assertArrayEquals(actsE.get(i), actsG.get(i), "action " + i);
            }
            Map<String, Long> before = graphed.graphCounters();
            SimbaAgentFixture.feed(g, data, STEPS - 1, STEPS, WARMUP);
            SimbaAgentFixture.feed(e, data, STEPS - 1, STEPS, WARMUP);
            Map<String, Long> after = graphed.graphCounters();
            for (int m = 0; m < g.modules().size(); m++) {
                assertSameParameters(e.modules().get(m), g.modules().get(m));
            }
            // The last call (training call 29) has no RigL step (every 10): one segment, one launch per update.
            int updates = algorithm.equals("sac") ? SacHyperParameters.defaults().generic().updatesPerStep()
                    : DdpgHyperParameters.defaults().generic().updatesPerStep();
            assertEquals(updates, after.get("segments") - before.get("segments"), after.toString());
            assertEquals(updates, after.get("graph_launches") - before.get("graph_launches"), after.toString());
            assertTrue(after.get("graph_nodes_launched") - before.get("graph_nodes_launched") > 50, after.toString());
        }
    }

    private static void assertSameParameters(SparseModule expected, SparseModule actual) {
        Module a = actual.module();
        Module b = expected.module();
        for (int n = 0; n < a.networks().size(); n++) {
            var pa = a.networks().get(n).parameters();
            var pb = b.networks().get(n).parameters();
            for (int i = 0; i < pa.size(); i++) {
                assertArrayEquals(pb.get(i).value().toDoubles(), pa.get(i).value().toDoubles(),
                        a.name() + " network " + n + " parameter " + i);
            }
        }
    }

    private static RegimePlan plan() {
        return new RegimePlan("test", RegimeConfig.dense(), new RegimeConfig.RigL(0.6, 10, 0.3, 0.8),
                RegimeConfig.staticSparse(0.6));
    }

    private static Agent sac(Backend b) {
        SacHyperParameters hp = SacHyperParameters.defaults().withWidthMultiplier(0.0625).withBatchSize(16);
        return new SacAgent(b, SimbaAgentFixture.obsDim(), SimbaAgentFixture.codec(), hp, plan(), STEPS - WARMUP,
                STEPS + 10, 3);
    }

    private static Agent ddpg(Backend b) {
        DdpgHyperParameters hp = DdpgHyperParameters.defaults().withWidthMultiplier(0.0625).withBatchSize(16);
        return new DdpgAgent(b, SimbaAgentFixture.obsDim(), SimbaAgentFixture.codec(), hp, plan(), STEPS - WARMUP,
                STEPS + 10, 3);
    }
}
