package dev.topiary.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The learning-curve PNG: drawn headless from evals.csv, with the band and line where the data says. */
class LearningCurveTest {

    @Test
    void rendersEvalsCsvToAPng(@TempDir Path dir) throws Exception {
        Path evals = dir.resolve("evals.csv");
        try (CsvLog log = CsvLog.create(evals, CsvLog.evalColumns(2))) {
            for (int i = 0; i <= 10; i++) {
                double mean = -1200 + 100 * i;
                log.append(5000L * i, i, mean, 50, mean - 150, mean + 150, mean - 150, mean + 150);
            }
        }
        Path png = dir.resolve("curve.png");
        LearningCurve.renderEvals(evals, "MR.Q on Pendulum-v1 (seed 0)", png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1000, img.getWidth());
        assertEquals(600, img.getHeight());
        // The plot spans steps 0..50k and returns −1400..0; the middle point (25k, −700) lies on the blue line.
        int x = 90 + (1000 - 30 - 90) / 2;
        Color c = new Color(img.getRGB(x, yOf(-700, -1400, 0)));
        assertTrue(c.getBlue() > 150 && c.getRed() < 120, "mean line colour at the midpoint: " + c);
        // Half way between mean and max, the band is a light blue tint.
        Color band = new Color(img.getRGB(x, yOf(-625, -1400, 0)));
        assertTrue(band.getBlue() > band.getRed() && band.getRed() > 150, "band tint: " + band);
        assertEquals(Color.WHITE.getRGB(), img.getRGB(5, 595), "background");
    }

    private static int yOf(double r, double lo, double hi) {
        return (int) Math.round(530 - (530 - 60) * (r - lo) / (hi - lo));
    }

    @Test
    void emptyAndFlatCurvesStillDraw() {
        assertEquals(1000, LearningCurve.draw(List.of(), "nothing yet", 1000, 600).getWidth());
        BufferedImage flat = LearningCurve.draw(List.of(new LearningCurve.Point(0, 500, 500, 500)), "flat", 400,
                300);
        assertEquals(300, flat.getHeight());
    }

    @Test
    void ticksAreRound() {
        assertArrayEquals(new double[]{0, 10_000, 20_000, 30_000, 40_000, 50_000}, Ticks.nice(0, 50_000, 6));
        assertArrayEquals(new double[]{-1400, -1200, -1000, -800, -600, -400, -200, 0}, Ticks.nice(-1350, -30, 6));
        assertEquals("50k", Ticks.steps(50_000));
        assertEquals("1.5M", Ticks.steps(1_500_000));
        assertEquals("0.25", Ticks.value(0.25, new double[]{0, 0.05}));
        assertEquals("-200", Ticks.value(-200, new double[]{-400, -200}));
    }
}
