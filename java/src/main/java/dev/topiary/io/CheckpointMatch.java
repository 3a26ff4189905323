package dev.topiary.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.topiary.backend.SparseWeight.Layout;
import dev.topiary.io.Checkpoint.Named;
import dev.topiary.io.SafeTensorsReader.Entry;
import dev.topiary.nn.Module;
import dev.topiary.nn.Parameter;
import dev.topiary.nn.WeightParameter;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Matches an open checkpoint against live modules: {@link #validate} reads and checks everything a module needs
 * without writing anything; {@link #apply} then loads it.
 */
final class CheckpointMatch {
    private final Path file;
    private final SafeTensorsReader reader;
    private final JsonNode doc;
    private final Set<String> unused;

    CheckpointMatch(Path file, SafeTensorsReader reader, JsonNode doc) {
        this.file = file;
        this.reader = reader;
        this.doc = doc;
        this.unused = new HashSet<>(reader.entries().keySet());
    }

    private CheckpointException mismatch(String problem) {
        return new CheckpointException(file, "does not match the network: " + problem);
    }

    private JsonNode moduleDoc(Module m) {
        for (JsonNode mn : doc.path("modules")) {
            if (m.name().equals(mn.path("name").asText())) {
                return mn;
            }
        }
        throw mismatch("it has no module '" + m.name() + "'");
    }

    private long activeRecorded(JsonNode moduleDoc, String key) {
        for (JsonNode pn : moduleDoc.path("parameters")) {
            if (key.equals(pn.path("name").asText())) {
                return pn.path("active").asLong(-1);
            }
        }
        throw mismatch("its document does not list parameter '" + key + "'");
    }

    private Entry entry(String name, long[] shape) {
        Entry e = reader.entries().get(name);
        if (e == null) {
            throw mismatch("it has no tensor '" + name + "'");
        }
        if (!Arrays.equals(e.shape(), shape)) {
            throw mismatch("tensor '" + name + "' has shape " + Arrays.toString(e.shape()) + " but the network's is "
                    + Arrays.toString(shape));
        }
        unused.remove(name);
        return e;
    }

    /** Checks every tensor of the module: presence, shape, masks of 0/1 with the recorded count, zeros elsewhere. */
    void validate(Module m) {
        JsonNode md = moduleDoc(m);
        if (md.path("steps").asLong(-1) < 0) {
            throw new CheckpointException(file, "module '" + m.name() + "' has no valid step count");
        }
        for (Named p : Checkpoint.named(m)) {
            long[] shape = CanonicalTensors.shape(p.parameter());
            entry(p.key(), shape);
            entry(p.key() + CanonicalTensors.M, shape);
            entry(p.key() + CanonicalTensors.V, shape);
            if (p.parameter() instanceof WeightParameter w) {
                entry(p.key() + CanonicalTensors.MASK, shape);
                Canonical c = read(p.key(), w);
                checkWeight(p.key(), w, c, activeRecorded(md, p.key()));
            }
        }
    }

    void checkNoLeftovers() {
        if (!unused.isEmpty()) {
            throw mismatch("it has tensors the network lacks, e.g. '" + unused.iterator().next() + "'");
        }
    }

    /** A weight's canonical arrays as read from the file. */
    record Canonical(float[] values, byte[] mask, float[] m, float[] v, int active) {
    }

    private Canonical read(String key, WeightParameter w) {
        int n = Math.toIntExact(w.count());
        float[] values = new float[n];
        byte[] mask = new byte[n];
        float[] m = new float[n];
        float[] v = new float[n];
        reader.readFloats(reader.entries().get(key), values);
        reader.readBytes(reader.entries().get(key + CanonicalTensors.MASK), mask);
        reader.readFloats(reader.entries().get(key + CanonicalTensors.M), m);
        reader.readFloats(reader.entries().get(key + CanonicalTensors.V), v);
        int active = 0;
        for (int i = 0; i < n; i++) {
            if (mask[i] != 0 && mask[i] != 1) {
                throw new CheckpointException(file, "corrupt mask of '" + key + "': entry " + i + " is " + mask[i]);
            }
            active += mask[i];
            if (mask[i] == 0 && (values[i] != 0 || m[i] != 0 || v[i] != 0)) {
                throw new CheckpointException(file, "corrupt weight '" + key + "': inactive entry " + i
                        + " holds a non-zero value or moment");
            }
        }
        return new Canonical(values, mask, m, v, active);
    }

    private void checkWeight(String key, WeightParameter w, Canonical c, long recorded) {
        if (c.active() != recorded) {
            throw new CheckpointException(file, "weight '" + key + "' has " + c.active()
                    + " active entries but the document records " + recorded);
        }
        if (w.layout() == Layout.DENSE && c.active() != w.count()) {
            throw mismatch("weight '" + key + "' is dense in the network but has " + c.active() + " of " + w.count()
                    + " entries active in the checkpoint (build the network under the same regime)");
        }
    }

    /** Loads the module's parameters and step count; call only after every module validated. */
    void apply(Module m) {
        for (Named p : Checkpoint.named(m)) {
            Parameter param = p.parameter();
            if (param instanceof WeightParameter w) {
                Canonical c = read(p.key(), w);
                w.importCanonical(c.values(), c.mask(), c.m(), c.v(), c.active());
            } else {
                param.value().copyFrom(floats(p.key(), param));
                param.m().copyFrom(floats(p.key() + CanonicalTensors.M, param));
                param.v().copyFrom(floats(p.key() + CanonicalTensors.V, param));
            }
            param.clearGrad();
        }
        m.optimizer().setSteps(moduleDoc(m).path("steps").asLong());
    }

    private float[] floats(String name, Parameter p) {
        float[] a = new float[Math.toIntExact(p.count())];
        reader.readFloats(reader.entries().get(name), a);
        return a;
    }
}
