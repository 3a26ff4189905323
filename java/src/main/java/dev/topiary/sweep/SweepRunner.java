package dev.topiary.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.backend.Backend;
import dev.topiary.env.Env;
import dev.topiary.env.EnvRegistry;
import dev.topiary.rl.Agent;
import dev.topiary.rl.AgentFactory;
import dev.topiary.rl.RunSpec;
import dev.topiary.rl.Trainer;
import dev.topiary.run.AtomicFiles;
import dev.topiary.run.ConfigFile;
import dev.topiary.run.Provenance;
import dev.topiary.run.RunDirectory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Supplier;

/**
 * Runs one run of a manifest, idempotently: a finished run ({@code DONE}) is skipped; a started one (config.json
 * present) resumes from its newest checkpoint, after checking that it is the same run; otherwise it starts fresh. A
 * lock file keeps two processes (a requeued array task and its ghost) from running the same run at once. Besides
 * the usual run files, the folder gets {@code sweep.json}: the sweep, index, id, name and regime label.
 */
public final class SweepRunner {
    public static final String SWEEP_JSON = "sweep.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What happened to a run. */
    public enum Outcome { SKIPPED, FINISHED }

    private SweepRunner() {
    }

    /** Runs {@code manifest}'s run {@code index} in {@code sweepDir} on a backend from {@code backends}. */
    public static Outcome run(Path sweepDir, Manifest manifest, int index, Supplier<Backend> backends,
                              PrintStream console) {
        Manifest.Entry e = manifest.run(index);
        Path dir = Manifest.runDirectory(sweepDir, e);
        RunDirectory run = RunDirectory.open(dir);
        try (FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = ch.tryLock()) {
            if (lock == null) {
                throw new IllegalStateException("run " + index + " (" + e.name() + ") is being run by another "
                        + "process (" + dir.resolve(".lock") + " is locked)");
            }
            if (run.isDone()) {
                console.printf("run %d %s: already finished, skipped (%s)%n", index, e.name(), dir);
                return Outcome.SKIPPED;
            }
            boolean started = Files.isRegularFile(run.config());
            if (started) {
                checkSameRun(run, e);
            }
            try (Backend backend = backends.get()) {
                Env trainEnv = EnvRegistry.make(e.spec().env());
                Env evalEnv = EnvRegistry.make(e.spec().env());
                if (!started) {
                    ConfigFile.write(run.config(), e.spec(), Provenance.collect(backend));
                }
                if (!Files.isRegularFile(dir.resolve(SWEEP_JSON))) {
                    writeSweepJson(dir, manifest, e);
                }
                console.printf("run %d %s: %s on %s (%s)%n", index, e.name(), started ? "resuming" : "starting",
                        backend.description(), dir);
                try (Agent agent = AgentFactory.create(e.spec(), backend, trainEnv)) {
                    Trainer t = new Trainer(e.spec().schedule(), trainEnv, evalEnv, agent, run, console);
                    if (started) {
                        t.resume();
                    } else {
                        t.train();
                    }
                }
            }
            return Outcome.FINISHED;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot lock " + dir + ": " + ex.getMessage(), ex);
        }
    }

    private static void checkSameRun(RunDirectory run, Manifest.Entry e) {
        JsonNode config = ConfigFile.read(run.config()).get("config");
        RunSpec recorded;
        try {
            recorded = JSON.treeToValue(config, RunSpec.class);
        } catch (IOException | IllegalArgumentException ex) {
            throw new IllegalArgumentException(run.config() + " does not describe a run this version can rebuild: "
                    + ex.getMessage());
        }
        if (!recorded.equals(e.spec())) {
            throw new IllegalStateException(run.root() + " holds a different run (id " + Expansion.id(recorded)
                    + ") than run " + e.index() + " of the manifest (id " + e.id() + "); move it away or use "
                    + "another sweep directory");
        }
    }

    private static void writeSweepJson(Path dir, Manifest m, Manifest.Entry e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("sweep", m.sweep());
        o.put("index", e.index());
        o.put("id", e.id());
        o.put("name", e.name());
        o.put("label", e.label());
        try {
            AtomicFiles.writeString(dir.resolve(SWEEP_JSON), JSON.writeValueAsString(o) + "\n");
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
