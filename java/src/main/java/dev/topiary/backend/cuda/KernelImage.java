package dev.topiary.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The kernels {@code nvcc} compiled at build time ({@code kernels/build.sh}): one fatbin per kernel family, packaged
 * as class-path resources under {@code /kernels/}, with {@code index.properties} saying which toolkit built them.
 */
record KernelImage(boolean built, String reason, String toolkit, String hash, List<String> families) {

    static KernelImage load() {
        Properties p = new Properties();
        try (InputStream in = KernelImage.class.getResourceAsStream("/kernels/index.properties")) {
            if (in == null) {
                return new KernelImage(false, "no kernel image in this build (kernels/index.properties is missing)",
                        "", "", List.of());
            }
            p.load(in);
        } catch (IOException e) {
            return new KernelImage(false, "kernel index unreadable: " + e.getMessage(), "", "", List.of());
        }
        if (!Boolean.parseBoolean(p.getProperty("built"))) {
            return new KernelImage(false, "kernels were not built: " + p.getProperty("reason", "(no reason given)"),
                    "", "", List.of());
        }
        List<String> families = new ArrayList<>();
        for (String f : p.getProperty("families", "").trim().split("\\s+")) {
            if (!f.isEmpty()) {
                families.add(f);
            }
        }
        return new KernelImage(true, "", p.getProperty("toolkit", "?"), p.getProperty("image_sha256", "?"), families);
    }

    byte[] fatbin(String family) throws IOException {
        try (InputStream in = KernelImage.class.getResourceAsStream("/kernels/" + family + ".fatbin")) {
            if (in == null) {
                throw new IOException("kernel family " + family + " is listed but /kernels/" + family
                        + ".fatbin is missing from the class path");
            }
            return in.readAllBytes();
        }
    }
}
