package dev.topiary.sparse;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The schedules equal their formulas at hand-computed steps. */
class SchedulesTest {
    private static final double EPS = 1e-12;

    @Test
    void rigLDropFractionIsCosineDecayedToZeroAtTEnd() {
        // f(t) = (α/2)(1 + cos(π t / T_end)), α = 0.3, T_end = 800.
        assertEquals(0.3, Schedules.dropFraction(0, 0.3, 800), EPS);
        assertEquals(0.15 * (1 + Math.sqrt(0.5)), Schedules.dropFraction(200, 0.3, 800), EPS);
        assertEquals(0.15, Schedules.dropFraction(400, 0.3, 800), EPS);
        assertEquals(0.15 * (1 - Math.sqrt(0.5)), Schedules.dropFraction(600, 0.3, 800), EPS);
        assertEquals(0.0, Schedules.dropFraction(800, 0.3, 800));
        assertEquals(0.0, Schedules.dropFraction(5000, 0.3, 800));
        // k = ⌊f(t) · |A|⌋: 0.15 · 1000 and ⌊0.2560660 · 1000⌋.
        assertEquals(150, Schedules.dropCount(400, 0.3, 800, 1000));
        assertEquals(256, Schedules.dropCount(200, 0.3, 800, 1000));
    }

    @Test
    void gmpIsCubicBetweenT0AndT1() {
        // s(t) = s_f + (s_i − s_f)(1 − (t − t0)/(t1 − t0))³, s_i = 0, s_f = 0.6, t0 = 200, t1 = 800.
        assertEquals(0.0, Schedules.gmpSparsity(0, 0, 0.6, 200, 800), EPS);
        assertEquals(0.0, Schedules.gmpSparsity(200, 0, 0.6, 200, 800), EPS);
        assertEquals(0.6 * (1 - 0.421875), Schedules.gmpSparsity(350, 0, 0.6, 200, 800), EPS);
        assertEquals(0.6 * (1 - 0.125), Schedules.gmpSparsity(500, 0, 0.6, 200, 800), EPS);
        assertEquals(0.6, Schedules.gmpSparsity(800, 0, 0.6, 200, 800), EPS);
        assertEquals(0.6, Schedules.gmpSparsity(1000, 0, 0.6, 200, 800), EPS);
    }

    @Test
    void sparseToDenseFollowsTheHalfCosineToDenseAtTEnd() {
        // s(t) = s0 (1 + cos(π t / T_end)) / 2, s0 = 0.6, T_end = 800.
        assertEquals(0.6, Schedules.growthSparsity(0, 0.6, 800), EPS);
        assertEquals(0.3 * (1 + Math.sqrt(0.5)), Schedules.growthSparsity(200, 0.6, 800), EPS);
        assertEquals(0.3, Schedules.growthSparsity(400, 0.6, 800), EPS);
        assertEquals(0.0, Schedules.growthSparsity(800, 0.6, 800));
        assertEquals(0.0, Schedules.growthSparsity(900, 0.6, 800));
    }

    @Test
    void schedulePointsAreFractionsOfT() {
        assertEquals(800, Schedules.at(0.8, 1000));
        assertEquals(400_000, Schedules.at(0.8, 500_000));
        assertEquals(1, Schedules.at(0.8, 1));
    }
}
