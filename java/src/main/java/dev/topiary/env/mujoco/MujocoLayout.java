package dev.topiary.env.mujoco;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Byte offsets of the {@code mjModel} and {@code mjData} fields the binding reads, for one MuJoCo version. They are
 * generated from that version's headers by {@code native/mujoco/mjlayout.c} (never computed by hand); the output for
 * Debian's 2.2.2 ships as a resource, and {@code ci/mujoco-layout.sh} writes the file for any other version.
 *
 * <p>Looked up, in order: the file named by {@code TOPIARY_MUJOCO_LAYOUT}; {@code ~/.topiary/mujoco/layout-V.properties};
 * the bundled {@code layout-V.properties}; where V is {@code mj_version()} of the loaded library.
 */
public record MujocoLayout(int version, String source, Map<String, Long> offsets) {

    /** Every key the binding reads; a layout file lacking one is rejected at load time. */
    static final List<String> REQUIRED = List.of("sizeof.mjtNum", "sizeof.mjModel", "sizeof.mjData",
            "model.nq", "model.nv", "model.nu", "model.na", "model.nbody", "model.njnt", "model.nsensor",
            "model.nsensordata", "model.nbuffer", "model.buffer", "model.opt.timestep", "model.opt.gravity",
            "model.opt.disableflags", "model.qpos0", "model.jnt_type", "model.jnt_qposadr", "model.jnt_dofadr",
            "model.jnt_limited", "model.jnt_range", "model.body_subtreemass", "model.sensor_adr", "model.sensor_dim",
            "model.actuator_ctrllimited", "model.actuator_ctrlrange", "data.nbuffer", "data.buffer", "data.ncon",
            "data.time", "data.qpos", "data.qvel", "data.act", "data.qacc_warmstart", "data.ctrl",
            "data.qfrc_applied", "data.sensordata", "data.xpos", "data.xmat", "data.subtree_linvel", "data.qacc",
            "enum.mjOBJ_SENSOR", "enum.mjDSBL_ACTUATION");

    public MujocoLayout {
        offsets = Map.copyOf(offsets);
        List<String> missing = new ArrayList<>();
        for (String key : REQUIRED) {
            if (!offsets.containsKey(key)) {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the MuJoCo layout " + source + " lacks " + missing
                    + " (it was written by an older Topiary, which read fewer fields); regenerate it with "
                    + "ci/mujoco-layout.sh");
        }
        if (offsets.get("sizeof.mjtNum") != 8) {
            throw new IllegalArgumentException("the MuJoCo library at " + source + " was built with "
                    + offsets.get("sizeof.mjtNum") + "-byte mjtNum; Topiary needs the double-precision build");
        }
    }

    /** The offset called {@code key} ("model.qpos0", "data.time", "sizeof.mjData"). */
    public long offset(String key) {
        Long v = offsets.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no MuJoCo field '" + key + "' in the layout " + source);
        }
        return v;
    }

    /** The layout for {@code version}, or an exception that says how to generate one. */
    static MujocoLayout forVersion(int version) {
        String env = System.getenv("TOPIARY_MUJOCO_LAYOUT");
        if (env != null && !env.isBlank()) {
            return fromFile(Path.of(env), version);
        }
        Path user = Path.of(System.getProperty("user.home"), ".topiary", "mujoco", "layout-" + version + ".properties");
        if (Files.isRegularFile(user)) {
            return fromFile(user, version);
        }
        String resource = "layout-" + version + ".properties";
        try (InputStream in = MujocoLayout.class.getResourceAsStream(resource)) {
            if (in != null) {
                return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "bundled " + resource, version);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bundled " + resource + ": " + e.getMessage(), e);
        }
        throw new IllegalStateException("no struct layout for MuJoCo " + version + " (Topiary bundles 222, Debian's "
                + "2.2.2). Generate one from that version's headers: ci/mujoco-layout.sh --include DIR "
                + "(the folder holding mujoco/mujoco.h; the Python wheel ships it as mujoco/include)");
    }

    static MujocoLayout fromFile(Path file, int version) {
        try {
            return parse(Files.readString(file), file.toString(), version);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the MuJoCo layout " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses the generator's output and checks that it was generated for {@code version}. */
    static MujocoLayout parse(String text, String source, int version) {
        Properties p = new Properties();
        try (Reader r = new java.io.StringReader(text)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Long> offsets = new TreeMap<>();
        int fileVersion = -1;
        for (String key : p.stringPropertyNames()) {
            long value;
            try {
                value = Long.parseLong(p.getProperty(key).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the MuJoCo layout " + source + " has a bad value for " + key
                        + ": '" + p.getProperty(key) + "'; regenerate it with ci/mujoco-layout.sh");
            }
            if (key.equals("version")) {
                fileVersion = (int) value;
            } else {
                offsets.put(key, value);
            }
        }
        if (fileVersion != version) {
            throw new IllegalStateException("the MuJoCo layout " + source + " was generated for version " + fileVersion
                    + " but the library is " + version + "; regenerate it with ci/mujoco-layout.sh for these headers");
        }
        return new MujocoLayout(version, source, offsets);
    }
}
