package dev.topiary.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.util.Locale;

/**
 * A Kubernetes Indexed Job for a sweep: completion index i runs {@code topiary sweep run --index i}
 * ({@code JOB_COMPLETION_INDEX}, which Kubernetes sets in every pod of an Indexed Job), with the sweep directory on a
 * persistent volume claim that the pods share. A failed or evicted pod is retried per index
 * ({@code backoffLimitPerIndex}, GA in Kubernetes 1.33) and resumes from its run's newest checkpoint. Built as a
 * tree and written with Jackson's YAML writer, so the output is well-formed by construction.
 *
 * @param image        the container image; it must hold the Topiary launcher as {@code topiary}
 * @param topiary      the launcher inside the image (a name on its PATH or an absolute path)
 * @param claim        the PersistentVolumeClaim holding the sweep directory at its root
 * @param mountPath    where the claim is mounted in the pod; the sweep directory there
 * @param parallelism  pods running at once
 * @param gpusPerTask  {@code nvidia.com/gpu} per pod (0 for CPU runs)
 * @param cpusPerTask  CPU cores requested per pod; also the CPU backend's threads
 * @param memory       memory request and limit per pod (e.g. 16Gi), or null for none
 * @param backoffPerIndex retries of each index
 * @param backend      the --backend value of every run
 */
public record KubernetesJob(String image, String topiary, String claim, String mountPath, int parallelism,
                            int gpusPerTask, int cpusPerTask, String memory, int backoffPerIndex, String backend) {
    public static final String FILE = "sweep-job.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    public KubernetesJob {
        if (image == null || image.isBlank()) {
            throw new IllegalArgumentException("emit k8s needs --image IMAGE: the container image holding Topiary "
                    + "(e.g. registry.example.com/topiary:1.0)");
        }
        if (parallelism < 1 || gpusPerTask < 0 || cpusPerTask < 1 || backoffPerIndex < 0) {
            throw new IllegalArgumentException("--parallelism " + parallelism + " and --cpus-per-task " + cpusPerTask
                    + " must be ≥ 1, --gpus-per-task " + gpusPerTask + " and --retries " + backoffPerIndex + " ≥ 0");
        }
        if (!mountPath.startsWith("/")) {
            throw new IllegalArgumentException("--mount " + mountPath + " must be an absolute path in the pod");
        }
    }

    /** The Job manifest for {@code manifest}, with a comment header saying how to use it. */
    public String render(Manifest manifest) {
        int n = manifest.runs().size();
        ObjectNode job = YAML.createObjectNode();
        job.put("apiVersion", "batch/v1");
        job.put("kind", "Job");
        ObjectNode meta = job.putObject("metadata");
        meta.put("name", name(manifest.sweep()));
        meta.putObject("labels").put("app.kubernetes.io/name", "topiary").put("topiary.dev/sweep", manifest.sweep());
        ObjectNode spec = job.putObject("spec");
        spec.put("completionMode", "Indexed");
        spec.put("completions", n);
        spec.put("parallelism", Math.min(parallelism, n));
        spec.put("backoffLimitPerIndex", backoffPerIndex);
        ObjectNode pod = spec.putObject("template").putObject("spec");
        // backoffLimitPerIndex requires Never: a failed pod is replaced, not restarted in place.
        pod.put("restartPolicy", "Never");
        pod.putArray("containers").add(container());
        pod.putArray("volumes").addObject().put("name", "sweep").putObject("persistentVolumeClaim")
                .put("claimName", claim);
        try {
            return header(manifest) + YAML.writeValueAsString(job);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the Job: " + e.getMessage(), e);
        }
    }

    private ObjectNode container() {
        ObjectNode c = YAML.createObjectNode();
        c.put("name", "topiary");
        c.put("image", image);
        ArrayNode cmd = c.putArray("command");
        cmd.add("sh").add("-c").add("exec " + SlurmScript.quote(topiary) + " sweep run --out "
                + SlurmScript.quote(mountPath) + " --index \"$JOB_COMPLETION_INDEX\" --backend "
                + SlurmScript.quote(backend) + " --threads " + cpusPerTask);
        ObjectNode resources = c.putObject("resources");
        ObjectNode requests = resources.putObject("requests");
        requests.put("cpu", Integer.toString(cpusPerTask));
        ObjectNode limits = resources.putObject("limits");
        if (memory != null) {
            requests.put("memory", memory);
            limits.put("memory", memory);
        }
        if (gpusPerTask > 0) {
            limits.put("nvidia.com/gpu", gpusPerTask);
        }
        if (limits.isEmpty()) {
            resources.remove("limits");
        }
        c.putArray("volumeMounts").addObject().put("name", "sweep").put("mountPath", mountPath);
        return c;
    }

    private String header(Manifest m) {
        return "# Kubernetes Indexed Job for the Topiary sweep '" + m.sweep() + "': " + m.runs().size() + " runs;\n"
                + "# pod i runs run i of the manifest.json at the root of the claim '" + claim + "' (mounted at "
                + mountPath + ").\n"
                + "# Copy the sweep directory (manifest.json at least) onto that volume, then: kubectl apply -f "
                + FILE + "\n"
                + "# Written by 'topiary sweep emit k8s'. Runs are idempotent and resume, so retries are safe.\n";
    }

    /** A DNS-1123 name from the sweep's: lower case, '.' and '_' to '-', at most 63 characters. */
    static String name(String sweep) {
        String s = ("topiary-" + sweep).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        s = s.length() > 63 ? s.substring(0, 63) : s;
        return s.replaceAll("-+$", "");
    }
}
