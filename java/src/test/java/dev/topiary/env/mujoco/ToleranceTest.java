package dev.topiary.env.mujoco;

import org.junit.jupiter.api.Test;

import static dev.topiary.env.mujoco.Tolerance.Sigmoid.GAUSSIAN;
import static dev.topiary.env.mujoco.Tolerance.Sigmoid.LINEAR;
import static dev.topiary.env.mujoco.Tolerance.Sigmoid.QUADRATIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** DeepMind Control's tolerance on values worked out by hand. */
class ToleranceTest {
    @Test
    void insideTheBoundsIsOneAndAHardBoundIsAnIndicator() {
        assertEquals(1.0, Tolerance.of(1.5, 1.4, Double.POSITIVE_INFINITY, 0.35));
        assertEquals(1.0, Tolerance.of(1.4, 1.4, 2.0, 0.0));
        assertEquals(0.0, Tolerance.of(1.39, 1.4, 2.0, 0.0));
    }

    @Test
    void theGaussianTakesValueAtMarginAtTheMarginAndItsSquareSquaredAtTwice() {
        assertEquals(0.1, Tolerance.of(1.4 - 0.35, 1.4, Double.POSITIVE_INFINITY, 0.35), 1e-15);
        // exp(-½ (2s)²) = (exp(-½ s²))⁴ = 0.1⁴
        assertEquals(1e-4, Tolerance.of(-4.0, 0, 0, 2, GAUSSIAN, 0.1), 1e-18);
        assertEquals(Math.pow(0.1, 0.25), Tolerance.of(3.0, -2, 2, 2, GAUSSIAN, 0.1), 1e-15);   // distance ½ margin
    }

    @Test
    void theLinearSigmoidFallsStraightToValueAtMarginAndThenToZero() {
        assertEquals(1 - 0.9 / 1.9, Tolerance.of(0.0, 0.9, Double.POSITIVE_INFINITY, 1.9, LINEAR, 0), 1e-15);
        assertEquals(0.5, Tolerance.of(0.5, 1, Double.POSITIVE_INFINITY, 0.5, LINEAR, 0.5), 1e-15);   // at the margin
        assertEquals(0.75, Tolerance.of(0.75, 1, Double.POSITIVE_INFINITY, 0.5, LINEAR, 0.5), 1e-15);
        assertEquals(0.0, Tolerance.of(-20, 0, 0, 10, LINEAR, 0));   // past the margin
    }

    @Test
    void theQuadraticSigmoidIsOneMinusTheSquaredScaledDistance() {
        assertEquals(0.75, Tolerance.of(0.5, 0, 0, 1, QUADRATIC, 0), 1e-15);
        assertEquals(0.75, Tolerance.of(-0.5, 0, 0, 1, QUADRATIC, 0), 1e-15);
        assertEquals(0.0, Tolerance.of(1.0, 0, 0, 1, QUADRATIC, 0), 1e-15);
        assertEquals(1 - 0.25 * 0.5, Tolerance.of(0.5, 0, 0, 1, QUADRATIC, 0.5), 1e-15);
    }

    @Test
    void badBoundsOrMarginsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Tolerance.of(0, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Tolerance.of(0, 0, 1, -1));
    }
}
