package dev.topiary.run;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress line's numbers and layout, and when it redraws. */
class ProgressBarTest {

    @Test
    void countsDurationsAndRatesAreShort() {
        assertEquals("999", ProgressBar.count(999));
        assertEquals("1.23k", ProgressBar.count(1234));
        assertEquals("45.7k", ProgressBar.count(45_678));
        assertEquals("1.00M", ProgressBar.count(999_600));
        assertEquals("45s", ProgressBar.duration(45.4));
        assertEquals("7m 52s", ProgressBar.duration(472));
        assertEquals("2h 05m", ProgressBar.duration(7500));
        assertEquals("3d 04h", ProgressBar.duration(3 * 86_400 + 4 * 3600 + 59));
        assertEquals("--", ProgressBar.duration(Double.NaN));
    }

    @Test
    void terminalLineShowsBarRatesAndEta() {
        // 420k of 1M steps at 1234 steps/s leaves 580000/1234 = 470.0 s = 7m 50s.
        String line = ProgressBar.barLine(420_000, 1_000_000, 1234, 1230, 580_000 / 1234.0, "eval -250.3");
        // 42% of 24 cells is 10.08 cells: 10 full blocks, then less than an eighth.
        assertEquals("[██████████              ]  42%  420k/1.00M · 1.23k steps/s · 1.23k upd/s · ETA 7m 50s"
                + " · eval -250.3", line);
        assertEquals("step 420000/1000000 (42.0%) | 1234.0 steps/s | 1230.0 updates/s | ETA 7m 50s",
                ProgressBar.plainLine(420_000, 1_000_000, 1234, 1230, 580_000 / 1234.0, ""));
        assertTrue(ProgressBar.barLine(3, 48, 1, 1, 1, null).startsWith("[█▌ "), "1.5 cells: a half block");
    }

    @Test
    void redrawsInPlaceOnATerminalAndPrintsLinesElsewhere() {
        long[] now = {0};
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressBar tty = new ProgressBar(1000, new PrintStream(buf, true, StandardCharsets.UTF_8), true,
                () -> now[0], 0);
        tty.update(10, 0, "");
        assertEquals("", buf.toString(StandardCharsets.UTF_8), "too soon to draw");
        now[0] = 500_000_000L;
        tty.update(100, 50, "");
        String out = buf.toString(StandardCharsets.UTF_8);
        // 100 steps in 0.5 s: 200 steps/s; 900 left take 4.5 s, shown rounded as 5s.
        assertTrue(out.startsWith("\r[") && out.endsWith("\u001b[K"), out);
        assertTrue(out.contains("200 steps/s") && out.contains("100 upd/s") && out.contains("ETA 5s"), out);
        tty.finish();
        assertTrue(buf.toString(StandardCharsets.UTF_8).endsWith("\n"));

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ProgressBar plain = new ProgressBar(1000, new PrintStream(log, true, StandardCharsets.UTF_8), false,
                () -> now[0], 30_000_000_000L);
        now[0] += 10_000_000_000L;
        plain.update(100, 100, "");
        assertEquals("", log.toString(StandardCharsets.UTF_8));
        now[0] += 20_000_000_000L;
        plain.update(300, 300, "density 0.40");
        assertEquals("step 300/1000 (30.0%) | 10.0 steps/s | 10.0 updates/s | ETA 1m 10s | density 0.40\n",
                log.toString(StandardCharsets.UTF_8));
    }
}
