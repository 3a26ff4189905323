package dev.topiary.run;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws a learning curve as a PNG with Java2D (headless): the mean evaluation return against environment steps,
 * a shaded band from the worst to the best evaluation episode, dots at each evaluation, labelled axes with round
 * tick values, and a title. {@link #renderEvals} reads a run's {@code evals.csv}.
 */
public final class LearningCurve {
    private static final Color LINE = new Color(0x1f, 0x77, 0xb4);
    private static final Color BAND = new Color(0x1f, 0x77, 0xb4, 0x40);
    private static final Color GRID = new Color(0xe3, 0xe3, 0xe3);
    private static final Color INK = new Color(0x33, 0x33, 0x33);
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 60;
    private static final int BOTTOM = 70;

    /** One evaluation: the mean, worst and best episode return at {@code step}. */
    public record Point(long step, double mean, double min, double max) {
    }

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private LearningCurve() {
    }

    /** Reads {@code evals.csv} (columns step, mean, min, max) and writes the curve to {@code png}. */
    public static void renderEvals(Path evalsCsv, String title, Path png) {
        List<String> cols = CsvLog.readColumns(evalsCsv);
        int step = cols.indexOf("step");
        int mean = cols.indexOf("mean");
        int min = cols.indexOf("min");
        int max = cols.indexOf("max");
        if (step < 0 || mean < 0 || min < 0 || max < 0) {
            throw new IllegalArgumentException(evalsCsv + " lacks one of the columns step, mean, min, max: " + cols);
        }
        List<Point> points = new ArrayList<>();
        for (double[] row : CsvLog.readRows(evalsCsv)) {
            points.add(new Point((long) row[step], row[mean], row[min], row[max]));
        }
        render(points, title, png);
    }

    /** Writes the curve, 1000×600 pixels, atomically. */
    public static void render(List<Point> points, String title, Path png) {
        BufferedImage image = draw(points, title, 1000, 600);
        AtomicFiles.write(png, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer in this JDK");
            }
        });
    }

    /** The picture itself. */
    static BufferedImage draw(List<Point> points, String title, int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(INK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            centered(g, title, width / 2, 36);
            Frame f = Frame.of(points, width, height);
            drawAxes(g, f);
            if (points.isEmpty()) {
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
                centered(g, "no evaluations yet", width / 2, height / 2);
            } else {
                drawData(g, f, points);
                drawLegend(g, f, points.size(), earlyPointsLow(f, points));
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** The plot area and the data range it shows. */
    private record Frame(int x0, int y0, int x1, int y1, double sMin, double sMax, double rMin, double rMax,
                         double[] sTicks, double[] rTicks) {

        static Frame of(List<Point> points, int width, int height) {
            double sMax = 1;
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (Point p : points) {
                sMax = Math.max(sMax, p.step());
                lo = Math.min(lo, Math.min(p.min(), p.mean()));
                hi = Math.max(hi, Math.max(p.max(), p.mean()));
            }
            if (points.isEmpty()) {
                lo = 0;
                hi = 1;
            }
            if (hi - lo < 1e-9) {
                lo -= 1;
                hi += 1;
            }
            double[] sTicks = Ticks.nice(0, sMax, 6);
            double[] rTicks = Ticks.nice(lo, hi, 6);
            return new Frame(LEFT, TOP, width - RIGHT, height - BOTTOM, 0, sTicks[sTicks.length - 1],
                    Math.min(lo, rTicks[0]), Math.max(hi, rTicks[rTicks.length - 1]), sTicks, rTicks);
        }

        double x(double step) {
            return x0 + (x1 - x0) * (step - sMin) / (sMax - sMin);
        }

        double y(double r) {
            return y1 - (y1 - y0) * (r - rMin) / (rMax - rMin);
        }
    }

    private static void drawAxes(Graphics2D g, Frame f) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        for (double s : f.sTicks()) {
            int x = (int) Math.round(f.x(s));
            g.setColor(GRID);
            g.drawLine(x, f.y0(), x, f.y1());
            g.setColor(INK);
            centered(g, Ticks.steps(s), x, f.y1() + 8 + fm.getAscent());
        }
        for (double r : f.rTicks()) {
            int y = (int) Math.round(f.y(r));
            g.setColor(GRID);
            g.drawLine(f.x0(), y, f.x1(), y);
            g.setColor(INK);
            String label = Ticks.value(r, f.rTicks());
            g.drawString(label, f.x0() - 8 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
        }
        g.setColor(INK);
        g.setStroke(new BasicStroke(1.2f));
        g.drawLine(f.x0(), f.y1(), f.x1(), f.y1());
        g.drawLine(f.x0(), f.y0(), f.x0(), f.y1());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        centered(g, "environment steps", (f.x0() + f.x1()) / 2, f.y1() + 50);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        centered(rotated, "evaluation return", -(f.y0() + f.y1()) / 2, 24);
        rotated.dispose();
    }

    private static void drawData(Graphics2D g, Frame f, List<Point> points) {
        Path2D band = new Path2D.Double();
        Path2D line = new Path2D.Double();
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            if (i == 0) {
                band.moveTo(f.x(p.step()), f.y(p.max()));
                line.moveTo(f.x(p.step()), f.y(p.mean()));
            } else {
                band.lineTo(f.x(p.step()), f.y(p.max()));
                line.lineTo(f.x(p.step()), f.y(p.mean()));
            }
        }
        for (int i = points.size() - 1; i >= 0; i--) {
            band.lineTo(f.x(points.get(i).step()), f.y(points.get(i).min()));
        }
        band.closePath();
        g.setColor(BAND);
        g.fill(band);
        g.setStroke(new BasicStroke(1f));
        g.draw(band);
        g.setColor(LINE);
        g.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(line);
        for (Point p : points) {
            int x = (int) Math.round(f.x(p.step()));
            int y = (int) Math.round(f.y(p.mean()));
            g.fillOval(x - 3, y - 3, 7, 7);
        }
    }

    /** True when the first quarter of the curve stays in the lower half, leaving the top-left corner free. */
    private static boolean earlyPointsLow(Frame f, List<Point> points) {
        double middle = (f.rMin() + f.rMax()) / 2;
        for (int i = 0; i < Math.max(1, points.size() / 4); i++) {
            if (points.get(i).max() > middle) {
                return false;
            }
        }
        return true;
    }

    /** The legend in the top-left corner, or the bottom-left one when the curve starts high. */
    private static void drawLegend(Graphics2D g, Frame f, int evaluations, boolean top) {
        int x = f.x0() + 16;
        int y = top ? f.y0() + 14 : f.y1() - 56;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(new Color(255, 255, 255, 220));
        g.fillRect(x - 8, y - 6, 250, 50);
        g.setColor(LINE);
        g.setStroke(new BasicStroke(2.5f));
        g.drawLine(x, y + 8, x + 26, y + 8);
        g.setColor(BAND);
        g.fillRect(x, y + 24, 26, 12);
        g.setColor(INK);
        g.drawString("mean return (" + evaluations + " evaluations)", x + 36, y + 13);
        g.drawString("worst to best episode", x + 36, y + 35);
    }

    private static void centered(Graphics2D g, String s, int x, int y) {
        g.drawString(s, x - g.getFontMetrics().stringWidth(s) / 2, y);
    }
}
