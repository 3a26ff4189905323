package dev.topiary.sparse;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** ER densities follow d_l = ε (rows + cols)/(rows · cols) with the global budget and the dense fallback. */
class ErdosRenyiTest {

    @Test
    void densitiesFollowTheFormula() {
        // raw densities 8/16 and 10/16; ε = (0.5 · 32) / (0.5 · 16 + 0.625 · 16) = 16/18.
        double[] d = ErdosRenyi.densities(List.of(new int[] {4, 4}, new int[] {8, 2}), 0.5);
        assertEquals(16.0 / 18 * 0.5, d[0], 1e-15);
        assertEquals(16.0 / 18 * 0.625, d[1], 1e-15);
        assertEquals(16, d[0] * 16 + d[1] * 16, 1e-12);
        assertArrayEquals(new int[] {7, 9}, ErdosRenyi.activeCounts(List.of(new int[] {4, 4}, new int[] {8, 2}), 0.5));
    }

    @Test
    void saturatedLayersBecomeDenseAndTheRestShareTheBudget() {
        // Raw densities 0.02 and 1.01: the first ε (5050/301) saturates the 1 × 100 layer; then ε = 4950/200.
        List<int[]> shapes = List.of(new int[] {100, 100}, new int[] {1, 100});
        double[] d = ErdosRenyi.densities(shapes, 0.5);
        assertEquals(1.0, d[1]);
        assertEquals(4950.0 / 200 * 0.02, d[0], 1e-15);
        assertArrayEquals(new int[] {4950, 100}, ErdosRenyi.activeCounts(shapes, 0.5));
    }

    @Test
    void mrqCriticAtSixtyPercentKeepsTheGlobalBudget() {
        List<int[]> shapes = List.of(new int[] {512, 512}, new int[] {512, 512}, new int[] {512, 512},
                new int[] {1, 512});
        double[] d = ErdosRenyi.densities(shapes, 0.6);
        assertEquals(1.0, d[3]);
        assertEquals(d[0], d[1]);
        long total = 3L * 512 * 512 + 512;
        int[] k = ErdosRenyi.activeCounts(shapes, 0.6);
        long active = (long) k[0] + k[1] + k[2] + k[3];
        assertEquals(0.4 * total, active, 2.0);
        assertEquals(Math.round(d[0] * 512 * 512), k[0]);
    }

    @Test
    void zeroSparsityIsDenseAndInvalidSparsityIsRejected() {
        assertArrayEquals(new double[] {1, 1}, ErdosRenyi.densities(List.of(new int[] {3, 5}, new int[] {5, 2}), 0));
        assertThrows(IllegalArgumentException.class, () -> ErdosRenyi.densities(List.of(new int[] {3, 3}), 1.0));
    }
}
