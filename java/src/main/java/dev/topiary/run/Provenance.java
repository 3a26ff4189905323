package dev.topiary.run;

import dev.topiary.backend.Backend;
import dev.topiary.backend.GpuProbe;
import dev.topiary.util.MachineInfo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Where a run's numbers came from, saved in {@code config.json}: the code (git commit and whether the tree had
 * uncommitted changes), the JDK, the operating system, the backend, the CPU model, the GPU and its driver when one
 * is used, and the hash of the CUDA kernel image built into this jar. Unknown items read "unknown"; collecting never
 * fails a run.
 *
 * @param gitCommit     the commit of the source tree the code was built from
 * @param gitDirty      true when tracked files differed from that commit
 * @param jdk           vendor and runtime version
 * @param os            name, version, architecture
 * @param backend       the backend's own description (device, threads, vector width)
 * @param cpu           the CPU model
 * @param gpu           the card and driver when the backend is CUDA, else "none"
 * @param kernelImage   SHA-256 (prefix) of the kernel fatbins and the toolkit that built them, or why there is none
 * @param engineVersion the Topiary version from the jar manifest
 * @param startedAt     ISO-8601 start time
 */
public record Provenance(String gitCommit, boolean gitDirty, String jdk, String os, String backend, String cpu,
                         String gpu, String kernelImage, String engineVersion, String startedAt) {
    private static final String UNKNOWN = "unknown";

    /** Collects everything for a run on {@code backend}. */
    public static Provenance collect(Backend backend) {
        Path tree = sourceTree();
        String commit = git(tree, "rev-parse", "HEAD");
        String status = commit.equals(UNKNOWN) ? "" : git(tree, "status", "--porcelain", "--untracked-files=no");
        String gpu = backend.name().equals("cuda") ? GpuProbe.probe().device() : "none";
        String version = Provenance.class.getPackage().getImplementationVersion();
        return new Provenance(commit, !status.isEmpty() && !status.equals(UNKNOWN), MachineInfo.jdk(),
                MachineInfo.os(), backend.description(), MachineInfo.cpuModel(), gpu, kernelImageDescription(),
                version == null ? "development build" : version, Instant.now().toString());
    }

    /** The kernel image recorded by the build ({@code /kernels/index.properties}). */
    static String kernelImageDescription() {
        try (InputStream in = Provenance.class.getResourceAsStream("/kernels/index.properties")) {
            if (in == null) {
                return "none (no kernel image in this build)";
            }
            Properties p = new Properties();
            p.load(in);
            if (!Boolean.parseBoolean(p.getProperty("built"))) {
                return "none (" + p.getProperty("reason", "not built") + ")";
            }
            return "sha256:" + p.getProperty("image_sha256", "?") + " (CUDA " + p.getProperty("toolkit", "?")
                    + ", " + p.getProperty("archs", "?") + ")";
        } catch (IOException e) {
            return UNKNOWN;
        }
    }

    /** The directory the classes were loaded from (inside the source tree in a development build). */
    private static Path sourceTree() {
        try {
            Path p = Path.of(Provenance.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isDirectory(p) ? p : p.getParent();
        } catch (Exception e) {
            return Path.of(".");
        }
    }

    /** Output of a git command run in {@code dir}, or "unknown" (no git, not a repository, timeout). */
    static String git(Path dir, String... args) {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "git";
        cmd[1] = "-C";
        cmd[2] = dir.toString();
        System.arraycopy(args, 0, cmd, 3, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return UNKNOWN;
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).trim() : UNKNOWN;
        } catch (IOException e) {
            return UNKNOWN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return UNKNOWN;
        }
    }
}
