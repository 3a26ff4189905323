package dev.topiary.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code topiary analyze}: every option explained in its help, bad settings refused before any reading. */
class AnalyzeCliTest {
    @TempDir
    Path tmp;

    @Test
    void everyAnalyzeOptionIsExplainedAndTheHelpFormatsCleanly() {
        SweepCliTest.Result r = SweepCliTest.run("analyze", "--help");
        assertEquals(0, r.code());
        for (String option : List.of("DIR...", "--out", "--last-k", "--replicates", "--seed", "--title",
                "--skip-bad")) {
            assertTrue(SweepCliTest.description(r.out(), option).split(" ").length >= 5, option
                    + " is not explained in:\n" + r.out());
        }
        // A bare % in a description makes picocli print a warning and the raw string instead of the help.
        assertFalse(r.err().contains("WARN"), r.err());
        assertTrue(r.out().contains("95% stratified-bootstrap"), r.out());
    }

    @Test
    void badSettingsAreRefusedWithTheirName() {
        SweepCliTest.Result r = SweepCliTest.run("analyze", tmp.toString(), "--out", tmp.resolve("o").toString(),
                "--replicates", "0");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--replicates 0"), r.err());
        r = SweepCliTest.run("analyze", tmp.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--out"), r.err());
    }
}
