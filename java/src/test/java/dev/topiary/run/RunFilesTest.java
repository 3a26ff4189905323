package dev.topiary.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.topiary.backend.Parity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Atomic writes, config.json with provenance, and the run-directory layout. */
class RunFilesTest {

    /** A stand-in for a run's resolved configuration. */
    record DemoConfig(String env, long seed, double discount) {
    }

    @Test
    void atomicWritesReplaceWholeFilesAndLeaveNothingBehind(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("state.json");
        AtomicFiles.writeString(f, "old");
        AtomicFiles.writeString(f, "new");
        assertEquals("new", Files.readString(f));
        assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("partial".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("new", Files.readString(f), "a failed write leaves the old content");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary files remain");
        }
    }

    @Test
    void configJsonHoldsTheConfigAndItsProvenance(@TempDir Path dir) {
        Provenance p = Provenance.collect(Parity.reference());
        RunDirectory run = RunDirectory.open(dir.resolve("run"));
        ConfigFile.write(run.config(), new DemoConfig("Pendulum-v1", 7, 0.99), p);
        JsonNode json = ConfigFile.read(run.config());
        assertEquals("Pendulum-v1", json.at("/config/env").asText());
        assertEquals(7, json.at("/config/seed").asLong());
        assertEquals(p.backend(), json.at("/provenance/backend").asText());
        for (String key : new String[]{"gitCommit", "gitDirty", "jdk", "os", "cpu", "gpu", "kernelImage",
                "engineVersion", "startedAt"}) {
            assertTrue(json.at("/provenance").has(key), key);
        }
        assertEquals("none", p.gpu());
        assertTrue(p.jdk().contains(System.getProperty("java.runtime.version")));
    }

    @Test
    void runDirectoryLayoutAndDoneMarker(@TempDir Path dir) {
        RunDirectory run = RunDirectory.open(dir.resolve("runs/a"));
        assertTrue(Files.isDirectory(run.checkpoints()) && Files.isDirectory(run.tensorboard()));
        assertEquals(run.root().resolve("evals.csv"), run.evals());
        assertFalse(run.isDone());
        run.markDone();
        assertTrue(run.isDone());
    }
}
