package dev.topiary.backend.kernel;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernels of {@code kernels/*.cu} against their Java declarations: every kernel the emulated library exports is
 * declared by the host code with the same parameter signature, and every declaration names an exported kernel. The
 * inventory below is the list of kernels; adding or removing one means updating it on purpose.
 */
@Tag("emu")
public class KernelInventoryTest {

    /** Every kernel, by family file. */
    public static final Map<String, List<String>> INVENTORY = Map.ofEntries(
            Map.entry("elementwise.cu", List.of("ew_fill", "ew_copy", "ew_axpby", "ew_affine", "ew_binary", "ew_unary",
                    "ew_clamp", "ew_copy_cols", "ew_gather_rows", "ew_scatter_claim", "ew_scatter_rows")),
            Map.entry("gemm.cu", List.of("sgemm_nn_128", "sgemm_nt_128", "sgemm_tn_128", "sgemm_tt_128", "sgemm_nn_64",
                    "sgemm_nt_64", "sgemm_tn_64", "sgemm_tt_64", "sgemm_tf32_nn", "sgemm_tf32_nt", "sgemm_tf32_tn",
                    "sgemm_tf32_tt", "sgemm_splitk_reduce")),
            Map.entry("layout.cu", List.of("layout_row_bits", "layout_scan", "layout_col_block_counts",
                    "layout_col_block_scan", "layout_gather", "layout_fill_csc", "layout_expand")),
            Map.entry("losses.cu", List.of("loss_pointwise", "loss_final", "loss_cross_entropy")),
            Map.entry("nn.cu", List.of("nn_activation", "nn_activation_bwd", "nn_layer_norm", "nn_layer_norm_bwd",
                    "nn_layer_norm_params", "nn_layer_norm_params_final", "nn_softmax", "nn_softmax_bwd",
                    "nn_gumbel_softmax", "nn_two_hot")),
            Map.entry("optim.cu", List.of("optim_adamw", "optim_increment", "optim_sumsq_partial", "optim_sumsq_final",
                    "optim_clip", "optim_polyak")),
            Map.entry("random.cu", List.of("rand_uniform", "rand_normal", "rand_ints")),
            Map.entry("reduce.cu", List.of("red_all", "red_all_final", "red_cols", "red_cols_final", "red_rows",
                    "red_argmax_rows")),
            Map.entry("sampling.cu", List.of("sumtree_tag", "sumtree_write", "sumtree_level", "sumtree_rebuild_level",
                    "sumtree_top", "sumtree_set_small", "sumtree_sample", "sumtree_total")),
            Map.entry("sparse_linear.cu", List.of("sparse_transpose_pad", "sparse_spmm_fm", "sparse_sddmm_fm",
                    "sparse_scale")),
            Map.entry("topology.cu", List.of("topo_hist", "topo_pick", "topo_count", "topo_scan", "topo_mark",
                    "topo_select_small", "topo_mask_change", "topo_count_active")));

    @Test
    void everyExportedKernelIsDeclaredInJavaWithTheSameSignature() throws Exception {
        Map<String, String> exported;
        try (EmuDevice emu = EmuDevice.open(EmuDevice.configuredLibrary())) {
            exported = emu.exportedKernels();
        }
        Map<String, String> declared = javaDeclarations();
        assertEquals(new TreeSet<>(exported.keySet()), new TreeSet<>(declared.keySet()),
                "kernels exported by the emulated library vs kernels declared by the host code");
        for (Map.Entry<String, String> e : declared.entrySet()) {
            assertEquals(exported.get(e.getKey()), e.getValue(), "signature of kernel " + e.getKey()
                    + " (p pointer, i int, l 64-bit, f float, d double): .cu vs Java");
        }
    }

    @Test
    void theInventoryListsExactlyTheExportedKernels() throws Exception {
        Set<String> listed = new TreeSet<>();
        INVENTORY.values().forEach(listed::addAll);
        try (EmuDevice emu = EmuDevice.open(EmuDevice.configuredLibrary())) {
            assertEquals(listed, new TreeSet<>(emu.exportedKernels().keySet()));
        }
        Path kernels = Path.of(System.getProperty("user.dir")).resolve("../kernels").normalize();
        for (Map.Entry<String, List<String>> family : INVENTORY.entrySet()) {
            String source = Files.readString(kernels.resolve(family.getKey()));
            for (String k : family.getValue()) {
                assertTrue(source.contains(k), "kernel " + k + " is not in kernels/" + family.getKey());
            }
        }
    }

    /** Every {@code Kernel} (or array of them) held in a static field of a class of the kernel package. */
    static Map<String, String> javaDeclarations() throws IOException, URISyntaxException, ClassNotFoundException,
            IllegalAccessException {
        // The main classes' own folder: getResource("") would find the test classes' folder of the same package first.
        Path root = Path.of(KernelBackend.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path dir = root.resolve(KernelBackend.class.getPackageName().replace('.', '/'));
        List<String> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class"))
                    .forEach(n -> classes.add(KernelBackend.class.getPackageName() + "." + n.replace(".class", "")));
        }
        Map<String, String> out = new TreeMap<>();
        for (String name : classes) {
            for (Field f : Class.forName(name).getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                if (f.getType() == Kernel.class) {
                    f.setAccessible(true);
                    add(out, (Kernel) f.get(null));
                } else if (f.getType() == Kernel[].class) {
                    f.setAccessible(true);
                    for (Kernel k : (Kernel[]) f.get(null)) {
                        add(out, k);
                    }
                }
            }
        }
        return out;
    }

    private static void add(Map<String, String> out, Kernel k) {
        if (k != null) {
            out.put(k.name(), EmuDevice.signature(k));
        }
    }
}
