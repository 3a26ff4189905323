package dev.topiary.run;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Writes scalar summaries as a TensorBoard event file ({@code events.out.tfevents.<unix seconds>.<host>}), with
 * the format encoded by the project ({@link TfEvents}); {@code tensorboard --logdir <run>/tb} and
 * {@code wandb sync} read it. Each process writes a new file, beginning with the {@code brain.Event:2} record. A
 * resumed run first cuts the earlier files back to its checkpoint ({@link #truncateAfter}), so no reader sees what
 * the killed process logged after it, and then marks the restart ({@link #sessionStart}) as TensorBoard expects.
 */
public final class TensorBoardWriter implements AutoCloseable {
    private final Path file;
    private final OutputStream out;

    private TensorBoardWriter(Path file) throws IOException {
        this.file = file;
        this.out = new java.io.BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), 1 << 14);
        write(TfEvents.fileVersion(now()));
        flush();
    }

    /** A new event file in {@code dir} (created if missing). */
    public static TensorBoardWriter open(Path dir) {
        long seconds = System.currentTimeMillis() / 1000;
        String name = "events.out.tfevents." + seconds + "." + hostName();
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(name);
            for (int i = 1; Files.exists(file); i++) {
                file = dir.resolve(name + "." + i);
            }
            return new TensorBoardWriter(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a TensorBoard event file in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Rewrites every event file in {@code dir} (atomically, only where something changes) without the events of
     * steps after {@code lastStep} and without a torn or corrupt tail (a process killed mid-write); the resume of a
     * run checkpointed at {@code lastStep} calls it, as the CSV logs drop their later rows. Returns the number of
     * events dropped.
     */
    public static int truncateAfter(Path dir, long lastStep) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int dropped = 0;
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).sorted()
                    .toList()) {
                dropped += truncateFile(f, lastStep);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not truncate the TensorBoard events in " + dir + " to step "
                    + lastStep + ": " + e.getMessage(), e);
        }
        return dropped;
    }

    private static int truncateFile(Path file, long lastStep) throws IOException {
        byte[] in = Files.readAllBytes(file);
        ByteArrayOutputStream kept = new ByteArrayOutputStream(in.length);
        ByteBuffer buf = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
        int dropped = 0;
        int pos = 0;
        while (in.length - pos >= 16) {
            long length = buf.getLong(pos);
            if (length < 0 || length > in.length - pos - 16
                    || buf.getInt(pos + 8) != TfEvents.maskedCrc32c(in, pos, 8)
                    || buf.getInt(pos + 12 + (int) length) != TfEvents.maskedCrc32c(in, pos + 12, (int) length)) {
                break;
            }
            byte[] data = Arrays.copyOfRange(in, pos + 12, pos + 12 + (int) length);
            long step = TfEvents.stepOf(data);
            if (step >= 0 && step <= lastStep) {
                kept.write(in, pos, 16 + (int) length);
            } else {
                dropped++;
            }
            pos += 16 + (int) length;
        }
        if (pos < in.length) {
            dropped++; // the torn or corrupt tail, and anything after it
        }
        if (kept.size() != in.length) {
            AtomicFiles.write(file, kept.toByteArray());
        }
        return dropped;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "_");
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    public Path file() {
        return file;
    }

    /** Logs {@code value} under {@code tag} (e.g. "eval/return") at {@code step}, stamped with the current time. */
    public void scalar(String tag, long step, double value) {
        scalar(tag, step, value, now());
    }

    /** Logs a scalar with an explicit wall time in seconds since the epoch. */
    public void scalar(String tag, long step, double value, double wallTime) {
        if (tag == null || tag.isEmpty()) {
            throw new IllegalArgumentException("a TensorBoard scalar needs a tag");
        }
        write(TfEvents.scalar(wallTime, step, tag, (float) value));
    }

    /**
     * Marks a (re)start at {@code step}: TensorBoard discards earlier files' events at steps ≥ {@code step}, so a
     * run resumed from step t passes t + 1.
     */
    public void sessionStart(long step) {
        write(TfEvents.sessionStart(now(), step));
    }

    private void write(byte[] event) {
        try {
            out.write(TfEvents.record(event));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not flush " + file + ": " + e.getMessage(), e);
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
