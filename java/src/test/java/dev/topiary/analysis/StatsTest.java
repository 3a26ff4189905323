package dev.topiary.analysis;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The statistics on cases worked out by hand. */
class StatsTest {

    @Test
    void iqmOfFourIsTheMeanOfTheMiddleTwo() {
        assertEquals((2 + 3) / 2.0, Stats.iqm(new double[]{4, 1, 3, 2}), 1e-12);
    }

    @Test
    void iqmOfFiveWeighsTheQuartileScoresByTheirOverlap() {
        // Sorted 1..5 on [0, 5); middle half [1.25, 3.75]: score 2 covers [1, 2) → 0.75, 3 → 1, 4 → 0.75.
        double expected = (0.75 * 2 + 1 * 3 + 0.75 * 4) / 2.5;
        assertEquals(expected, Stats.iqm(new double[]{5, 3, 1, 4, 2}), 1e-12);
    }

    @Test
    void iqmOfTenKeepsTheThirdAndEighthSmallestAtHalfWeight() {
        // Middle half [2.5, 7.5]: scores 3 and 8 (0-based 2 and 7) at weight 1/2, scores 4 to 7 at weight 1.
        double[] x = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
        double expected = (0.5 * 3 + 4 + 5 + 6 + 7 + 0.5 * 8) / 5;
        assertEquals(expected, Stats.iqm(x), 1e-12);
        assertEquals(5.5, expected, 1e-12);
        double[] skewed = {0, 0, 0, 1, 1, 1, 1, 1, 100, 1000};
        // Hand value: (0.5·0 + 1 + 1 + 1 + 1 + 0.5·1) / 5 = 0.9; outliers 100 and 1000 do not enter.
        assertEquals(0.9, Stats.iqm(skewed), 1e-12);
    }

    @Test
    void iqmOfOneScoreIsThatScoreAndOfNoneIsRefused() {
        assertEquals(-7.25, Stats.iqm(new double[]{-7.25}), 0);
        assertThrows(IllegalArgumentException.class, () -> Stats.iqm(new double[0]));
    }

    @Test
    void quantileInterpolatesBetweenOrderStatistics() {
        double[] s = {0, 10, 20, 30};
        assertEquals(0, Stats.quantile(s, 0), 0);
        assertEquals(15, Stats.quantile(s, 0.5), 1e-12);
        assertEquals(7.5, Stats.quantile(s, 0.25), 1e-12);
        assertEquals(30, Stats.quantile(s, 1), 0);
    }

    @Test
    void bootstrapIsSeededContainsTheIqmAndShrinksToAPointForEqualScores() {
        double[] x = new SplittableRandom(5).doubles(9, -3, 11).toArray();
        Stats.Estimate a = Stats.iqmWithCi(x, 4_000, 42);
        Stats.Estimate b = Stats.iqmWithCi(x, 4_000, 42);
        Stats.Estimate c = Stats.iqmWithCi(x, 4_000, 43);
        assertEquals(a, b, "same seed, same interval");
        assertNotEquals(a.lo(), c.lo(), "another seed resamples differently");
        assertTrue(a.lo() <= a.value() && a.value() <= a.hi(), a.toString());
        assertTrue(a.hi() - a.lo() > 0.5, "nine spread scores give a real interval: " + a);
        Stats.Estimate flat = Stats.iqmWithCi(new double[]{2, 2, 2, 2, 2}, 1_000, 0);
        assertEquals(new Stats.Estimate(2, 2, 2, 5), flat);
    }

    @Test
    void stratifiedBootstrapKeepsEachTaskSCount() {
        // Task A: one run at 0; task B: three runs at 100. Resampling within strata keeps one 0 and three 100s in
        // every replicate, so the pooled IQM (fractional, n = 4: middle two of 0,100,100,100 = 100) never moves.
        // Pooled resampling without strata would often draw the 0 twice and widen the interval below 100.
        Stats.Estimate e = Stats.iqmWithCi(List.of(new double[]{0}, new double[]{100, 100, 100}), 5_000, 1);
        assertEquals(new Stats.Estimate(100, 100, 100, 4), e);
        Stats.Estimate pooled = Stats.iqmWithCi(new double[]{0, 100, 100, 100}, 5_000, 1);
        assertTrue(pooled.lo() < 100, "unstratified resampling does move: " + pooled);
    }

    @Test
    void aucIsTheTrapezoidAreaOverTheSpan() {
        // (0,0) → (10,10) → (30,10): area 50 + 200 = 250 over a span of 30.
        assertEquals(250.0 / 30, Stats.normalizedAuc(new double[]{0, 10, 30}, new double[]{0, 10, 10}), 1e-12);
        assertEquals(4, Stats.normalizedAuc(new double[]{7}, new double[]{4}), 0);
        assertThrows(IllegalArgumentException.class,
                () -> Stats.normalizedAuc(new double[]{0, 0}, new double[]{1, 2}));
    }

    @Test
    void iqmOfThreeWeighsTheOuterScoresAQuarter() {
        // Middle half of [0, 3) is [0.75, 2.25]: weights 0.25, 1, 0.25 over a width of 1.5.
        assertEquals((0.25 * 1 + 2 + 0.25 * 10) / 1.5, Stats.iqm(new double[]{10, 1, 2}), 1e-12);
    }

    @Test
    void bootstrapOfTwoScoresSpansBothByEnumeration() {
        // Resamples of {0, 1}: (0,0) → 0 with chance 1/4, mixed → 0.5 with 1/2, (1,1) → 1 with 1/4; the 2.5th and
        // 97.5th percentiles of 20k replicates are therefore 0 and 1.
        assertEquals(new Stats.Estimate(0.5, 0, 1, 2), Stats.iqmWithCi(new double[]{1, 0}, 20_000, 3));
        assertEquals(new Stats.Estimate(4, 4, 4, 1), Stats.iqmWithCi(new double[]{4}, 1_000, 3));
    }

    @Test
    void emptyStrataAreSkippedAndNoScoresGiveNoEstimate() {
        double[] x = {3, 1, 4, 1, 5, 9};
        assertEquals(Stats.iqmWithCi(x, 2_000, 11), Stats.iqmWithCi(List.of(new double[0], x), 2_000, 11));
        assertEquals(Stats.Estimate.NONE, Stats.iqmWithCi(List.of(new double[0]), 100, 0));
    }

    @Test
    void aucOfANegativeUnevenlySpacedCurve() {
        // (100, −1000) → (200, −500) → (400, −100): areas 100 · −750 and 200 · −300 over a span of 300.
        assertEquals(-135_000.0 / 300, Stats.normalizedAuc(new double[]{100, 200, 400},
                new double[]{-1000, -500, -100}), 1e-9);
    }
}
