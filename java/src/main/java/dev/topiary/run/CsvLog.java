package dev.topiary.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A numeric CSV log whose first column is the step ({@code metrics.csv}, {@code evals.csv}): rows are appended and
 * flushed by the caller's schedule; on resume, {@link #resume} drops every row written after the checkpoint's step
 * (and a half-written last line from a killed process), so the log continues exactly where the run does.
 *
 * <p>Numbers are written with {@link Double#toString}, which reads back to the same double.
 */
public final class CsvLog implements AutoCloseable {
    private final Path file;
    private final List<String> columns;
    private final FileChannel channel;
    private final Writer out;
    private final StringBuilder line = new StringBuilder(256);

    private CsvLog(Path file, List<String> columns, boolean writeHeader) throws IOException {
        this.file = file;
        this.columns = List.copyOf(columns);
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        this.out = new BufferedWriter(Channels.newWriter(channel, StandardCharsets.UTF_8), 1 << 14);
        if (writeHeader) {
            out.write(String.join(",", columns));
            out.write('\n');
            out.flush();
        }
    }

    /** A new log with the given header; an existing file is replaced. */
    public static CsvLog create(Path file, List<String> columns) {
        checkColumns(columns);
        try {
            Files.deleteIfExists(file);
            return new CsvLog(file, columns, true);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reopens a log after a resume from {@code lastStep}: keeps the header and the complete rows with step ≤
     * lastStep, drops the rest (rewriting the file atomically), and appends from there. A missing file is created;
     * a header other than {@code columns} is an error.
     */
    public static CsvLog resume(Path file, List<String> columns, long lastStep) {
        checkColumns(columns);
        if (!Files.exists(file)) {
            return create(file, columns);
        }
        try {
            String header = String.join(",", columns);
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String[] lines = text.split("\n", -1);
            if (!lines[0].equals(header)) {
                throw new IllegalArgumentException(file + " has columns '" + lines[0] + "' but this run writes '"
                        + header + "'; resume into the run directory that wrote it, or start a new run");
            }
            StringBuilder kept = new StringBuilder(text.length()).append(header).append('\n');
            // The last element is what follows the final newline: empty, or a torn line from a killed process.
            for (int i = 1; i < lines.length - 1; i++) {
                String[] cells = lines[i].split(",", -1);
                if (cells.length == columns.size() && Long.parseLong(cells[0]) <= lastStep) {
                    kept.append(lines[i]).append('\n');
                }
            }
            AtomicFiles.writeString(file, kept.toString());
            return new CsvLog(file, columns, false);
        } catch (IOException e) {
            throw new UncheckedIOException("could not resume " + file + ": " + e.getMessage(), e);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + " has a row whose step is not an integer: " + e.getMessage());
        }
    }

    private static void checkColumns(List<String> columns) {
        if (columns.size() < 2 || !columns.get(0).equals("step")) {
            throw new IllegalArgumentException("a CSV log needs 'step' as its first column and at least one more, got "
                    + columns);
        }
        for (String c : columns) {
            if (c.isEmpty() || c.contains(",") || c.contains("\n")) {
                throw new IllegalArgumentException("CSV column name '" + c + "' is empty or holds a comma or newline");
            }
        }
    }

    /** The columns of {@code evals.csv} for {@code episodes} evaluation episodes. */
    public static List<String> evalColumns(int episodes) {
        List<String> c = new ArrayList<>(List.of("step", "wall_time", "mean", "std", "min", "max"));
        for (int i = 0; i < episodes; i++) {
            c.add("return_" + i);
        }
        return c;
    }

    public List<String> columns() {
        return columns;
    }

    public Path file() {
        return file;
    }

    /** Appends one row: the step, then one value per remaining column. */
    public void append(long step, double... values) {
        if (values.length != columns.size() - 1) {
            throw new IllegalArgumentException(file.getFileName() + ": a row has " + (columns.size() - 1)
                    + " values after the step (" + columns.subList(1, columns.size()) + "), got " + values.length);
        }
        line.setLength(0);
        line.append(step);
        for (double v : values) {
            line.append(',').append(v);
        }
        line.append('\n');
        try {
            out.append(line);
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Hands buffered rows to the operating system. */
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not flush " + file + ": " + e.getMessage(), e);
        }
    }

    /** Flushes and forces the rows to disk (before a checkpoint, so logs never lag behind it). */
    public void sync() {
        flush();
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("could not sync " + file + ": " + e.getMessage(), e);
        }
    }

    /** The rows of a log as numbers (header excluded, torn last line skipped), for plots and tests. */
    public static List<double[]> readRows(Path file) {
        try {
            String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n", -1);
            int width = lines[0].split(",", -1).length;
            List<double[]> rows = new ArrayList<>();
            for (int i = 1; i < lines.length - 1; i++) {
                String[] cells = lines[i].split(",", -1);
                if (cells.length == width) {
                    double[] row = new double[width];
                    for (int j = 0; j < width; j++) {
                        row[j] = Double.parseDouble(cells[j]);
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The header of a log file. */
    public static List<String> readColumns(Path file) {
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return List.of(lines.findFirst().orElse("").split(",", -1));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not close " + file + ": " + e.getMessage(), e);
        }
    }
}
