package dev.topiary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.topiary.baseline.OpenBlas;
import dev.topiary.util.MachineInfo;
import jdk.incubator.vector.FloatVector;
import org.openjdk.jmh.util.Version;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes a run to JSON: machine, JDK, date, JMH settings, OpenBLAS build, every score and the summary. */
final class BenchJson {
    private BenchJson() {
    }

    static void write(Path file, Map<String, Object> run, OpenBlas.Result blas, List<BenchRecord> rows,
                      Map<String, Object> summary) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("date", OffsetDateTime.now().toString());
        root.put("machine", machine());
        root.put("jdk", MachineInfo.jdk());
        root.put("jmh", jmhVersion());
        root.put("openblas", openBlas(blas));
        root.put("run", run);
        root.put("summary", summary);
        List<Map<String, Object>> results = new ArrayList<>();
        for (BenchRecord r : rows) {
            results.add(result(r));
        }
        root.put("results", results);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpuModel", MachineInfo.cpuModel());
        m.put("cpuFamilyModel", cpuFamilyModel());
        m.put("cores", MachineInfo.cores());
        m.put("memoryGiB", MachineInfo.memoryGiB());
        m.put("simd", MachineInfo.simdFlags());
        m.put("vectorBits", FloatVector.SPECIES_PREFERRED.vectorBitSize());
        m.put("os", MachineInfo.os());
        return m;
    }

    /** "family 26 model 2": the model name alone ("AMD EPYC") does not tell Zen 4 from Zen 5. */
    private static String cpuFamilyModel() {
        String family = "?";
        String model = "?";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("cpu family")) {
                    family = line.substring(line.indexOf(':') + 1).trim();
                } else if (line.startsWith("model") && !line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
        return "family " + family + " model " + model;
    }

    private static String jmhVersion() {
        try {
            return Version.getPlainVersion();
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    private static Map<String, Object> openBlas(OpenBlas.Result blas) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("available", blas.available());
        blas.library().ifPresentOrElse(b -> {
            m.put("path", b.path());
            m.put("config", b.config());
            m.put("core", b.coreName());
            m.put("threads", b.threads());
        }, () -> m.put("reasons", blas.reasons()));
        return m;
    }

    private static Map<String, Object> result(BenchRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("benchmark", r.clazz() + "." + r.method());
        m.put("params", r.params());
        m.put("threads", r.threads());
        m.put("msPerOp", r.ms());
        m.put("msError99.9", r.msError());
        m.put("samples", r.samples());
        m.put("forks", r.forks());
        m.put("msPerOpPerFork", r.perForkMs());
        putFinite(m, "gflopsDenseEquivalent", r.gflopsDense());
        putFinite(m, "gflopsActual", r.gflopsActual());
        putFinite(m, "gbPerS", r.gbPerS());
        return m;
    }

    private static void putFinite(Map<String, Object> m, String key, double v) {
        if (Double.isFinite(v)) {
            m.put(key, v);
        }
    }

    /** /proc/loadavg: other work on the machine skews every number, so the record keeps it. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
