package dev.topiary.analysis;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Collects the runs under the paths given to {@code topiary analyze}: a run directory itself, a sweep directory
 * (its {@code runs/} folder) or any folder whose children are runs. A run reached twice (a sweep and one of its runs
 * both given) counts once. Runs that cannot be read fail the analysis with the file at fault, or, with
 * {@code skipBad}, are reported and left out. A run that has started but not yet evaluated is not bad, just early:
 * it is always left out, with a note, so an analysis of a sweep in progress needs no flag.
 */
public final class RunSet {
    private RunSet() {
    }

    public static List<RunRecord> collect(List<Path> paths, boolean skipBad, PrintStream warnings) {
        List<RunRecord> runs = new ArrayList<>();
        for (Path d : runDirectories(paths)) {
            try {
                RunRecord r = RunRecord.load(d);
                if (r.returns().length > 0) {
                    runs.add(r);
                } else if (r.finished()) {
                    throw RunRecord.bad(d.resolve("evals.csv"), "holds no evaluation although the run has DONE");
                } else {
                    warnings.println("topiary analyze: left out " + d + ": started, not yet evaluated");
                }
            } catch (IllegalArgumentException | UncheckedIOException e) {
                if (!skipBad) {
                    throw new IllegalArgumentException(e.getMessage() + (e.getMessage().contains("--skip-bad") ? ""
                            : "; drop the run or pass --skip-bad"));
                }
                warnings.println("topiary analyze: skipped " + d + ": " + e.getMessage());
            }
        }
        return runs;
    }

    /** The run directories under {@code paths}, each once (by real path), in the order given. */
    static List<Path> runDirectories(List<Path> paths) {
        Set<Path> dirs = new LinkedHashSet<>();
        for (Path p : paths) {
            if (!Files.isDirectory(p)) {
                throw new IllegalArgumentException(p + " is not a directory; give run or sweep directories");
            }
            if (RunRecord.isRun(p)) {
                dirs.add(real(p));
                continue;
            }
            Path parent = Files.isDirectory(p.resolve("runs")) ? p.resolve("runs") : p;
            List<Path> found = children(parent).stream().filter(RunRecord::isRun).toList();
            if (found.isEmpty() && !SweepInfo.isSweep(p)) {
                throw new IllegalArgumentException(p + " holds no runs (no config.json in it or in the folders "
                        + "under " + parent + ")");
            }
            found.forEach(d -> dirs.add(real(d)));
        }
        return List.copyOf(dirs);
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + p + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> children(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
