package dev.topiary.rl.mrq;

import dev.topiary.backend.Backend;
import dev.topiary.backend.Parity;
import dev.topiary.backend.ref.ReferenceBackend;
import dev.topiary.env.Box;
import dev.topiary.env.Discrete;
import dev.topiary.env.Space;
import dev.topiary.rl.ActionCodec;
import dev.topiary.sparse.RegimePlan;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One full MR.Q training call (target copy, an encoder step on sub-trajectories, a value step on 3-step returns, a
 * policy step, LAP priorities) on a tiny network under MST, on every candidate backend (the CPU backend, the kernels
 * under emulation, the GPU where present) against the float64 reference backend running the same algorithm code:
 * every parameter's change and every loss agree to float32 accuracy.
 */
class MrqUpdateReferenceTest {
    private static final int OBS = 5;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void oneTrainingCallMatchesTheFloat64Reference(boolean discrete) {
        Space actions = discrete ? new Discrete(3) : Box.uniform(-1, 1, 2);
        try (Backend ref = new ReferenceBackend(); MrqAgent r = agent(ref, actions)) {
            fill(r, actions);
            List<double[]> before = MrqGraphedTest.parameters(r);
            r.train();
            List<double[]> afterRef = MrqGraphedTest.parameters(r);
            Map<String, Double> mr = r.metrics();
            // Every candidate: the CPU backend, and the kernels (emulated in CI, on the GPU where there is one),
            // so the device-side sampling, targets and priorities are checked where they run.
            for (Backend b : Parity.candidates()) {
                try (MrqAgent a = agent(b, actions)) {
                    fill(a, actions);
                    a.train();
                    assertMatches(b.description(), before, afterRef, MrqGraphedTest.parameters(a));
                    Map<String, Double> mc = a.metrics();
                    for (String k : List.of("loss/dynamics", "loss/reward", "loss/value", "loss/policy")) {
                        assertEquals(mr.get(k), mc.get(k), 1e-4 * Math.max(1, Math.abs(mr.get(k))),
                                b.description() + ": " + k);
                    }
                }
            }
        }
    }

    private static void assertMatches(String backend, List<double[]> before, List<double[]> afterRef,
                                      List<double[]> after) {
        double moved = 0;
        for (int i = 0; i < before.size(); i++) {
            double[] b = before.get(i);
            double num = 0;
            double den = 0;
            for (int j = 0; j < b.length; j++) {
                double dRef = afterRef.get(i)[j] - b[j];
                double d = after.get(i)[j] - b[j];
                num += (d - dRef) * (d - dRef);
                den += dRef * dRef;
            }
            moved += den;
            // AdamW's first step moves each weight by about lr·sign(g), so the change is well conditioned.
            assertTrue(num <= 1e-6 * den + 1e-20, backend + ": parameter " + i + ": relative error of the update "
                    + Math.sqrt(num / Math.max(den, 1e-30)));
        }
        assertTrue(moved > 0, "the update changed the parameters");
    }

    private static MrqAgent agent(Backend b, Space actions) {
        MrqHyperParameters hp = MrqHyperParameters.defaults().withWidthMultiplier(1.0 / 32)
                .withGeneric(new MrqHyperParameters.Generic(8, 1000, 0.99, 1));
        return new MrqAgent(b, OBS, new ActionCodec(actions), hp, RegimePlan.mst(), 10, 200, 11);
    }

    /** The same 60 transitions (episodes of 20 steps, the last one terminating) into each agent. */
    private static void fill(MrqAgent agent, Space actions) {
        SplittableRandom rng = new SplittableRandom(3);
        ActionCodec codec = new ActionCodec(actions);
        double[] obs = rng.doubles(OBS, -1, 1).toArray();
        for (int t = 0; t < 60; t++) {
            double[] a = codec.random(rng.doubles(codec.dim(), 0, 1).toArray());
            double[] next = rng.doubles(OBS, -1, 1).toArray();
            boolean end = t % 20 == 19;
            agent.observe(obs, a, rng.nextDouble(-2, 1), next, end && t == 59, end && t != 59);
            obs = end ? rng.doubles(OBS, -1, 1).toArray() : next;
        }
    }
}
