package dev.topiary.analysis;

import dev.topiary.run.AtomicFiles;
import dev.topiary.run.Ticks;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Several curves on one pair of axes as a PNG (Java2D, headless): each series a line with dots and, where it has
 * one, a shaded interval; a linear or logarithmic x axis; a legend. Points with a non-finite x or y are left out.
 */
public final class LineChart {
    public static final int WIDTH = 1000;
    public static final int HEIGHT = 620;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 60;
    private static final int BOTTOM = 70;
    private static final Color GRID = new Color(0xe3, 0xe3, 0xe3);
    private static final Color INK = new Color(0x33, 0x33, 0x33);
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
            new Color(0xbcbd22), new Color(0x17becf)};

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** How a series shows its interval: a shaded band (dense curves) or error bars at each point (few points). */
    public enum Interval { BAND, BARS }

    /** One curve; {@code lo} and {@code hi} (both or neither) bound its interval, drawn as {@code interval} says. */
    public record Series(String name, double[] x, double[] y, double[] lo, double[] hi, Interval interval) {
        public Series(String name, double[] x, double[] y, double[] lo, double[] hi) {
            this(name, x, y, lo, hi, Interval.BAND);
        }

        public Series(String name, double[] x, double[] y) {
            this(name, x, y, null, null, Interval.BAND);
        }
    }

    private LineChart() {
    }

    /** Draws the chart and writes it to {@code png} atomically. */
    public static void write(Path png, String title, String xLabel, String yLabel, boolean logX,
                             List<Series> series) {
        BufferedImage img = draw(title, xLabel, yLabel, logX, series);
        AtomicFiles.write(png, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer in this JDK");
            }
        });
    }

    static BufferedImage draw(String title, String xLabel, String yLabel, boolean logX, List<Series> series) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(INK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
            centered(g, title, WIDTH / 2, 34);
            Axes a = Axes.of(series, logX);
            if (a == null) {
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
                centered(g, "no data", WIDTH / 2, HEIGHT / 2);
                return img;
            }
            drawAxes(g, a, xLabel, yLabel);
            for (int i = 0; i < series.size(); i++) {
                drawSeries(g, a, series.get(i), PALETTE[i % PALETTE.length]);
            }
            drawLegend(g, a, series);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** The data range and its mapping to pixels; x in log10 units when {@code logX}. */
    private record Axes(boolean logX, double xMin, double xMax, double yMin, double yMax, double[] xTicks,
                        double[] yTicks) {
        static Axes of(List<Series> series, boolean logX) {
            double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY;
            double y0 = Double.POSITIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
            for (Series s : series) {
                for (int i = 0; i < s.x().length; i++) {
                    if (!ok(s, i, logX)) {
                        continue;
                    }
                    double x = logX ? Math.log10(s.x()[i]) : s.x()[i];
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, s.lo() != null && Double.isFinite(s.lo()[i]) ? s.lo()[i] : s.y()[i]);
                    y1 = Math.max(y1, s.hi() != null && Double.isFinite(s.hi()[i]) ? s.hi()[i] : s.y()[i]);
                }
            }
            if (x0 > x1) {
                return null;
            }
            if (x1 - x0 < 1e-9) {
                x0 -= logX ? 0.5 : Math.max(1, Math.abs(x0) * 0.1);
                x1 += logX ? 0.5 : Math.max(1, Math.abs(x1) * 0.1);
            }
            if (y1 - y0 < 1e-9) {
                y0 -= 1;
                y1 += 1;
            }
            double[] yt = Ticks.nice(y0, y1, 6);
            double[] xt;
            if (logX) {
                x0 -= 0.05 * (x1 - x0);
                x1 += 0.05 * (x1 - x0);
                xt = decades(x0, x1);
            } else {
                xt = Ticks.nice(x0, x1, 6);
                x0 = Math.min(x0, xt[0]);
                x1 = Math.max(x1, xt[xt.length - 1]);
            }
            return new Axes(logX, x0, x1, Math.min(y0, yt[0]), Math.max(y1, yt[yt.length - 1]), xt, yt);
        }

        /** Log-axis ticks at 1, 2 and 5 times powers of ten inside the range (log10 units). */
        private static double[] decades(double lo, double hi) {
            List<Double> t = new ArrayList<>();
            for (int e = (int) Math.floor(lo); e <= Math.ceil(hi); e++) {
                for (double m : hi - lo > 3 ? new double[]{1} : new double[]{1, 2, 5}) {
                    double v = e + Math.log10(m);
                    if (v >= lo && v <= hi) {
                        t.add(v);
                    }
                }
            }
            return t.stream().mapToDouble(Double::doubleValue).toArray();
        }

        double px(double x) {
            double v = logX ? Math.log10(x) : x;
            return LEFT + (WIDTH - LEFT - RIGHT) * (v - xMin) / (xMax - xMin);
        }

        double py(double y) {
            return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (y - yMin) / (yMax - yMin);
        }
    }

    private static boolean ok(Series s, int i, boolean logX) {
        return Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i]) && (!logX || s.x()[i] > 0);
    }

    private static void drawAxes(Graphics2D g, Axes a, String xLabel, String yLabel) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int bottom = HEIGHT - BOTTOM;
        for (double t : a.xTicks()) {
            double x = a.logX() ? Math.pow(10, t) : t;
            int px = (int) Math.round(a.px(x));
            g.setColor(GRID);
            g.drawLine(px, TOP, px, bottom);
            g.setColor(INK);
            centered(g, a.logX() ? siUnits(x) : Ticks.steps(x), px, bottom + 22);
        }
        for (double t : a.yTicks()) {
            int py = (int) Math.round(a.py(t));
            g.setColor(GRID);
            g.drawLine(LEFT, py, WIDTH - RIGHT, py);
            g.setColor(INK);
            String s = Ticks.value(t, a.yTicks());
            g.drawString(s, LEFT - 8 - g.getFontMetrics().stringWidth(s), py + 5);
        }
        g.setStroke(new BasicStroke(1.2f));
        g.drawLine(LEFT, bottom, WIDTH - RIGHT, bottom);
        g.drawLine(LEFT, TOP, LEFT, bottom);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        centered(g, xLabel + (a.logX() ? " (log scale)" : ""), (LEFT + WIDTH - RIGHT) / 2, bottom + 50);
        Graphics2D r = (Graphics2D) g.create();
        r.rotate(-Math.PI / 2);
        centered(r, yLabel, -(TOP + bottom) / 2, 24);
        r.dispose();
    }

    private static void drawSeries(Graphics2D g, Axes a, Series s, Color c) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < s.x().length; i++) {
            if (ok(s, i, a.logX())) {
                idx.add(i);
            }
        }
        if (idx.isEmpty()) {
            return;
        }
        if (s.lo() != null && s.hi() != null && s.interval() == Interval.BARS) {
            drawErrorBars(g, a, s, idx, c);
        } else if (s.lo() != null && s.hi() != null) {
            Path2D band = new Path2D.Double();
            for (int k = 0; k < idx.size(); k++) {
                int i = idx.get(k);
                double px = a.px(s.x()[i]);
                double py = a.py(Double.isFinite(s.hi()[i]) ? s.hi()[i] : s.y()[i]);
                if (k == 0) {
                    band.moveTo(px, py);
                } else {
                    band.lineTo(px, py);
                }
            }
            for (int k = idx.size() - 1; k >= 0; k--) {
                int i = idx.get(k);
                band.lineTo(a.px(s.x()[i]), a.py(Double.isFinite(s.lo()[i]) ? s.lo()[i] : s.y()[i]));
            }
            band.closePath();
            g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 0x38));
            g.fill(band);
        }
        g.setColor(c);
        g.setStroke(new BasicStroke(2.4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        Path2D line = new Path2D.Double();
        for (int k = 0; k < idx.size(); k++) {
            int i = idx.get(k);
            if (k == 0) {
                line.moveTo(a.px(s.x()[i]), a.py(s.y()[i]));
            } else {
                line.lineTo(a.px(s.x()[i]), a.py(s.y()[i]));
            }
        }
        g.draw(line);
        for (int i : idx) {
            g.fillOval((int) Math.round(a.px(s.x()[i])) - 3, (int) Math.round(a.py(s.y()[i])) - 3, 7, 7);
        }
    }

    /** A vertical whisker with caps from lo to hi at each point whose interval is finite. */
    private static void drawErrorBars(Graphics2D g, Axes a, Series s, List<Integer> idx, Color c) {
        g.setColor(c);
        g.setStroke(new BasicStroke(1.6f));
        for (int i : idx) {
            if (Double.isFinite(s.lo()[i]) && Double.isFinite(s.hi()[i])) {
                int px = (int) Math.round(a.px(s.x()[i]));
                int top = (int) Math.round(a.py(s.hi()[i]));
                int bottom = (int) Math.round(a.py(s.lo()[i]));
                g.drawLine(px, top, px, bottom);
                g.drawLine(px - 5, top, px + 5, top);
                g.drawLine(px - 5, bottom, px + 5, bottom);
            }
        }
    }

    /** The legend, in whichever corner of the plot covers the fewest data points and interval ends. */
    private static void drawLegend(Graphics2D g, Axes a, List<Series> series) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int w = 0;
        for (Series s : series) {
            w = Math.max(w, g.getFontMetrics().stringWidth(s.name()));
        }
        int boxW = w + 52;
        int boxH = 20 * series.size() + 8;
        int[][] corners = {{WIDTH - RIGHT - boxW - 4, TOP + 6}, {LEFT + 12, TOP + 6},
                {WIDTH - RIGHT - boxW - 4, HEIGHT - BOTTOM - boxH - 6}, {LEFT + 12, HEIGHT - BOTTOM - boxH - 6}};
        int[] best = corners[0];
        int fewest = Integer.MAX_VALUE;
        for (int[] c : corners) {
            int n = pointsInside(a, series, c[0], c[1], boxW, boxH);
            if (n < fewest) {
                fewest = n;
                best = c;
            }
        }
        int x = best[0] + 8;
        int y = best[1] + 4;
        g.setColor(new Color(255, 255, 255, 215));
        g.fillRect(best[0], best[1], boxW, boxH);
        for (int i = 0; i < series.size(); i++) {
            g.setColor(PALETTE[i % PALETTE.length]);
            g.setStroke(new BasicStroke(2.4f));
            g.drawLine(x, y + 10 + 20 * i, x + 26, y + 10 + 20 * i);
            g.setColor(INK);
            g.drawString(series.get(i).name(), x + 34, y + 15 + 20 * i);
        }
    }

    /**
     * 500, 20k, 5M, 1G, 2T: a log axis spans parameters (10³–10⁸) and FLOPs (10⁹–10¹⁸), so its labels need the SI
     * prefixes beyond M that step counts never reach; ticks sit at 1, 2 and 5 times powers of ten, so one
     * significant digit suffices.
     */
    static String siUnits(double v) {
        String[] prefixes = {"", "k", "M", "G", "T", "P", "E"};
        int p = 0;
        double m = v;
        while (Math.abs(m) >= 1000 && p < prefixes.length - 1) {
            m /= 1000;
            p++;
        }
        String digits = Math.abs(m - Math.rint(m)) < 1e-9 ? Long.toString(Math.round(m))
                : new java.math.BigDecimal(m).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
        return digits + prefixes[p];
    }

    private static int pointsInside(Axes a, List<Series> series, int x, int y, int w, int h) {
        int n = 0;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (ok(s, i, a.logX())) {
                    double px = a.px(s.x()[i]);
                    for (double v : new double[]{s.y()[i], s.lo() == null ? s.y()[i] : s.lo()[i],
                            s.hi() == null ? s.y()[i] : s.hi()[i]}) {
                        double py = a.py(v);
                        if (px >= x && px <= x + w && py >= y && py <= y + h) {
                            n++;
                        }
                    }
                }
            }
        }
        return n;
    }

    private static void centered(Graphics2D g, String s, int x, int y) {
        g.drawString(s, x - g.getFontMetrics().stringWidth(s) / 2, y);
    }
}
