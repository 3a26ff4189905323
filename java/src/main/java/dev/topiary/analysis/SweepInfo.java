package dev.topiary.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.sweep.Manifest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a report quotes from a sweep directory's {@code manifest.json}: the sweep's name, its notes and how many runs
 * it plans. Read as plain JSON, not through {@link Manifest#read}: that re-checks every run spec against this build
 * (tasks registered, regimes valid), which is right before running but would stop the analysis of finished runs
 * over a detail; here a manifest that cannot be read costs only its notes, with a warning.
 */
public record SweepInfo(Path dir, String name, String notes, int runCount) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static boolean isSweep(Path dir) {
        return Files.isRegularFile(dir.resolve(Manifest.FILE));
    }

    /** The sweeps among {@code paths} (those holding a manifest), each read leniently. */
    public static List<SweepInfo> find(List<Path> paths, PrintStream warnings) {
        List<SweepInfo> out = new ArrayList<>();
        for (Path p : paths) {
            if (!isSweep(p)) {
                continue;
            }
            Path file = p.resolve(Manifest.FILE);
            try {
                JsonNode m = JSON.readTree(file.toFile());
                out.add(new SweepInfo(p.toRealPath(), m.path("sweep").asText(p.getFileName().toString()),
                        m.path("notes").asText(""), m.path("runs").size()));
            } catch (IOException | RuntimeException e) {
                warnings.println("topiary analyze: cannot read " + file + " (" + e.getMessage() + "); the report "
                        + "goes without that sweep's notes");
            }
        }
        return out;
    }

    /** The runs among {@code runs} that lie in this sweep's {@code runs/} folder. */
    public List<RunRecord> runsIn(List<RunRecord> runs) {
        Path folder = dir.resolve("runs");
        return runs.stream().filter(r -> r.dir().startsWith(folder)).toList();
    }
}
