package dev.topiary.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CSV logs: exact numbers, truncation after the checkpoint's step on resume, torn lines, header checks. */
class CsvLogTest {
    private static final List<String> COLUMNS = List.of("step", "loss", "sps");

    @Test
    void rowsReadBackExactly(@TempDir Path dir) {
        Path f = dir.resolve("metrics.csv");
        try (CsvLog log = CsvLog.create(f, COLUMNS)) {
            log.append(0, 0.1, 1e-300);
            log.append(250, Math.PI, Double.NaN);
            log.sync();
        }
        List<double[]> rows = CsvLog.readRows(f);
        assertEquals(2, rows.size());
        assertArrayEquals(new double[]{250, Math.PI, Double.NaN}, rows.get(1));
        assertEquals(1e-300, rows.get(0)[2]);
        assertEquals(COLUMNS, CsvLog.readColumns(f));
    }

    @Test
    void resumeDropsRowsAfterTheCheckpointAndATornLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("metrics.csv");
        try (CsvLog log = CsvLog.create(f, COLUMNS)) {
            for (long s = 1000; s <= 5000; s += 1000) {
                log.append(s, s / 10.0, 1);
            }
        }
        // A SIGKILL mid-write leaves half a row behind.
        Files.writeString(f, "6000,60", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (CsvLog log = CsvLog.resume(f, COLUMNS, 3000)) {
            log.append(4000, -4, 2);
        }
        assertEquals("step,loss,sps\n1000,100.0,1.0\n2000,200.0,1.0\n3000,300.0,1.0\n4000,-4.0,2.0\n",
                Files.readString(f));
        try (CsvLog log = CsvLog.resume(dir.resolve("new.csv"), COLUMNS, 10)) {
            log.append(11, 1, 1);
        }
        assertEquals(1, CsvLog.readRows(dir.resolve("new.csv")).size(), "a missing log is created");
    }

    @Test
    void mismatchedHeadersAndRowsAreExplained(@TempDir Path dir) {
        Path f = dir.resolve("evals.csv");
        try (CsvLog log = CsvLog.create(f, CsvLog.evalColumns(2))) {
            assertEquals(List.of("step", "wall_time", "mean", "std", "min", "max", "return_0", "return_1"),
                    log.columns());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> log.append(1, 2, 3));
            assertTrue(e.getMessage().contains("7 values"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CsvLog.resume(f, COLUMNS, 0));
        assertTrue(e.getMessage().contains("columns"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CsvLog.create(f, List.of("loss", "step")));
    }
}
