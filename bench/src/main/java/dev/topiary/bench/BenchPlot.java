package dev.topiary.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders a results JSON as a PNG with plain Java2D (headless): dense-equivalent GFLOP/s against density for the
 * sparse forward pass and for the layer training step, log-log, one colour per width; solid lines are COMPACT,
 * thin dashed lines MASKED, and horizontal reference lines mark our dense layer (dashed) and OpenBLAS (dotted).
 */
final class BenchPlot {
    private static final int PANEL_W = 760;
    private static final int PANEL_H = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = 20;
    private static final int TOP = 60;
    private static final int BOTTOM = 70;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0x9467bd)};
    private static final double X_MIN = 0.015;
    private static final double X_MAX = 1.2;

    /** One series: points (density → GFLOP/s), or a horizontal line when it has one point at density NaN. */
    private record Series(String label, Color color, Stroke stroke, TreeMap<Double, Double> points, boolean flat) {
    }

    private BenchPlot() {
    }

    static void render(Path json, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        BufferedImage img = new BufferedImage(2 * PANEL_W, PANEL_H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        String machine = root.path("machine").path("cpuModel").asText("?") + ", "
                + root.path("machine").path("cores").asText("?") + " cores, " + root.path("jdk").asText("?") + ", "
                + root.path("date").asText("?");
        panel(g, 0, "Sparse forward Y = X(W⊙M)ᵀ + b, batch 256", series(root, "Bench_02_SparseForward"), machine);
        panel(g, PANEL_W, "Layer training step (fwd + dX + dW + AdamW), batch 256",
                series(root, "Bench_03_LayerStep"), "dense-equivalent: 3 × 2·256·W² FLOP per step (AdamW not counted)");
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    /** The series of one benchmark class: COMPACT and MASKED per width, dense and OpenBLAS references. */
    private static List<Series> series(JsonNode root, String clazz) {
        Map<Integer, Map<String, TreeMap<Double, Double>>> byWidth = new TreeMap<>();
        for (JsonNode r : root.path("results")) {
            String name = r.path("benchmark").asText();
            if (!name.startsWith(clazz + ".") || !r.has("gflopsDenseEquivalent")) {
                continue;
            }
            JsonNode p = r.path("params");
            int width = p.path("width").asInt();
            String method = name.substring(name.indexOf('.') + 1);
            String kind = p.has("layout") ? p.path("layout").asText() : method;
            double density = p.has("density") ? p.path("density").asDouble() : Double.NaN;
            byWidth.computeIfAbsent(width, w -> new TreeMap<>()).computeIfAbsent(kind, k -> new TreeMap<>())
                    .put(density, r.path("gflopsDenseEquivalent").asDouble());
        }
        List<Series> out = new ArrayList<>();
        int i = 0;
        for (Map.Entry<Integer, Map<String, TreeMap<Double, Double>>> e : byWidth.entrySet()) {
            Color c = COLORS[i++ % COLORS.length];
            String w = "W=" + e.getKey();
            add(out, w + " COMPACT", c, new BasicStroke(2.5f), e.getValue().get("COMPACT"), false);
            add(out, w + " MASKED", c, dashed(1.2f, 3, 4), e.getValue().get("MASKED"), false);
            add(out, w + " dense (ours)", c, dashed(1.8f, 12, 6), e.getValue().get("dense"), true);
            add(out, w + " OpenBLAS", c, dashed(1.8f, 2, 4), e.getValue().get("openblas"), true);
        }
        return out;
    }

    private static void add(List<Series> out, String label, Color c, Stroke s, TreeMap<Double, Double> pts,
                            boolean flat) {
        if (pts != null && !pts.isEmpty()) {
            out.add(new Series(label, c, s, pts, flat));
        }
    }

    private static Stroke dashed(float width, float on, float off) {
        return new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {on, off}, 0);
    }

    private static void panel(Graphics2D g, int x0, String title, List<Series> series, String note) {
        double yMin = Double.MAX_VALUE;
        double yMax = 0;
        for (Series s : series) {
            for (double v : s.points.values()) {
                yMin = Math.min(yMin, v);
                yMax = Math.max(yMax, v);
            }
        }
        if (series.isEmpty()) {
            yMin = 1;
            yMax = 1000;
        }
        yMin = Math.pow(10, Math.floor(Math.log10(yMin)));
        yMax = Math.pow(10, Math.ceil(Math.log10(yMax)));
        Axes ax = new Axes(x0 + LEFT, TOP, PANEL_W - LEFT - RIGHT, PANEL_H - TOP - BOTTOM, yMin, yMax);
        ax.draw(g, title, note);
        for (Series s : series) {
            drawSeries(g, ax, s);
        }
        legend(g, ax, series);
    }

    private static void drawSeries(Graphics2D g, Axes ax, Series s) {
        g.setColor(s.color);
        g.setStroke(s.stroke);
        if (s.flat) {
            int y = ax.y(s.points.firstEntry().getValue());
            g.drawLine(ax.x(X_MIN), y, ax.x(X_MAX), y);
            return;
        }
        int[] prev = null;
        for (Map.Entry<Double, Double> e : s.points.entrySet()) {
            int[] p = {ax.x(e.getKey()), ax.y(e.getValue())};
            if (prev != null) {
                g.drawLine(prev[0], prev[1], p[0], p[1]);
            }
            g.fillOval(p[0] - 3, p[1] - 3, 6, 6);
            prev = p;
        }
    }

    private static void legend(Graphics2D g, Axes ax, List<Series> series) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        int x = ax.left + ax.width - 190;
        int y = ax.top + 14;
        for (Series s : series) {
            g.setColor(s.color);
            g.setStroke(s.stroke);
            g.drawLine(x, y - 4, x + 30, y - 4);
            g.setColor(Color.DARK_GRAY);
            g.drawString(s.label, x + 36, y);
            y += 15;
        }
    }

    /** A log-log plot area: density on x, GFLOP/s on y. */
    private record Axes(int left, int top, int width, int height, double yMin, double yMax) {
        int x(double density) {
            double t = (Math.log(density) - Math.log(X_MIN)) / (Math.log(X_MAX) - Math.log(X_MIN));
            return left + (int) Math.round(t * width);
        }

        int y(double v) {
            double t = (Math.log(v) - Math.log(yMin)) / (Math.log(yMax) - Math.log(yMin));
            return top + height - (int) Math.round(t * height);
        }

        void draw(Graphics2D g, String title, String note) {
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1f));
            g.drawRect(left, top, width, height);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(title, left, top - 28);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.drawString(note, left, top - 10);
            for (double d : new double[] {0.02, 0.05, 0.1, 0.25, 0.4, 0.5, 1.0}) {
                int x = x(d);
                g.setColor(new Color(0xe0e0e0));
                g.drawLine(x, top, x, top + height);
                g.setColor(Color.BLACK);
                g.drawString(String.valueOf(d), x - 10, top + height + 16);
            }
            for (double v = yMin; v <= yMax * 1.0001; v *= 10) {
                int y = y(v);
                g.setColor(new Color(0xe0e0e0));
                g.drawLine(left, y, left + width, y);
                g.setColor(Color.BLACK);
                g.drawString(String.format("%.0f", v), left - 45, y + 4);
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.drawString("density (fraction of active weights, log scale)", left + width / 2 - 140,
                    top + height + 40);
            Graphics2D r = (Graphics2D) g.create();
            r.rotate(-Math.PI / 2);
            r.drawString("dense-equivalent GFLOP/s (log scale)", -(top + height / 2 + 110), left - 55);
            r.dispose();
        }
    }
}
