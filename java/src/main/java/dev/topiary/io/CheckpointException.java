package dev.topiary.io;

import java.nio.file.Path;

/** A checkpoint that cannot be written or read: the message names the file and what is wrong with it. */
public final class CheckpointException extends RuntimeException {

    public CheckpointException(Path file, String problem) {
        super("checkpoint " + file + ": " + problem);
    }

    public CheckpointException(Path file, String problem, Throwable cause) {
        super("checkpoint " + file + ": " + problem, cause);
    }
}
