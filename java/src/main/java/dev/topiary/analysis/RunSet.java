package dev.topiary.analysis;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Collects the runs under the paths given to {@code topiary analyze}: a run directory itself, a sweep directory
 * (its {@code runs/} folder) or any folder whose children are runs. Runs that cannot be read fail the analysis with
 * the file at fault, or, with {@code skipBad}, are reported and left out.
 */
public final class RunSet {
    private RunSet() {
    }

    public static List<RunRecord> collect(List<Path> paths, boolean skipBad, PrintStream warnings) {
        List<Path> dirs = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.isDirectory(p)) {
                throw new IllegalArgumentException(p + " is not a directory; give run or sweep directories");
            }
            if (RunRecord.isRun(p)) {
                dirs.add(p);
            } else {
                Path parent = Files.isDirectory(p.resolve("runs")) ? p.resolve("runs") : p;
                List<Path> found = children(parent).stream().filter(RunRecord::isRun).toList();
                if (found.isEmpty()) {
                    throw new IllegalArgumentException(p + " holds no runs (no config.json in it or in the folders "
                            + "under " + parent + ")");
                }
                dirs.addAll(found);
            }
        }
        List<RunRecord> runs = new ArrayList<>();
        for (Path d : dirs) {
            try {
                RunRecord r = RunRecord.load(d);
                if (r.returns().length == 0) {
                    throw new IllegalArgumentException(d.resolve("evals.csv") + " holds no evaluation yet");
                }
                runs.add(r);
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

    private static List<Path> children(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
