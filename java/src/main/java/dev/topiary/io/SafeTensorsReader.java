package dev.topiary.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a safetensors file written by {@link SafeTensorsWriter}, memory-mapped. {@link #open} checks everything
 * before any tensor is read: the header length, the JSON, every entry's dtype, shape and offsets (in bounds,
 * contiguous, no overlap, no trailing bytes) and the SHA-256 in the metadata; any failure is a
 * {@link CheckpointException} naming the file and the problem.
 */
final class SafeTensorsReader implements AutoCloseable {
    /** One tensor of the file; offsets are relative to the data buffer. */
    record Entry(String name, String dtype, long[] shape, long begin, long end) {
        long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** The reference implementation's cap on the header. */
    private static final long MAX_HEADER = 100L << 20;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final Arena arena;
    private final MemorySegment segment;
    private final long dataStart;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private SafeTensorsReader(Path file, Arena arena, MemorySegment segment, long dataStart) {
        this.file = file;
        this.arena = arena;
        this.segment = segment;
        this.dataStart = dataStart;
    }

    static SafeTensorsReader open(Path file) {
        Arena arena = Arena.ofConfined();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new CheckpointException(file, "truncated: " + size + " bytes, too short for the header length");
            }
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long n = seg.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (n < 2 || n > MAX_HEADER || 8 + n > size) {
                throw new CheckpointException(file, "truncated or corrupt: the header length is " + n
                        + " bytes but the file has " + size);
            }
            SafeTensorsReader r = new SafeTensorsReader(file, arena, seg, 8 + n);
            byte[] header = seg.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
            r.parse(header, size - 8 - n);
            r.verifyChecksum(header);
            return r;
        } catch (IOException e) {
            arena.close();
            throw new CheckpointException(file, "cannot be read (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    Map<String, String> metadata() {
        return metadata;
    }

    /** Entries in header order. */
    Map<String, Entry> entries() {
        return entries;
    }

    private void parse(byte[] header, long dataLength) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(header);
        } catch (IOException e) {
            throw new CheckpointException(file, "corrupt header: not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(file, "corrupt header: not a JSON object");
        }
        List<Entry> byOffset = new ArrayList<>();
        for (var it = root.properties().iterator(); it.hasNext(); ) {
            var field = it.next();
            if (field.getKey().equals("__metadata__")) {
                parseMetadata(field.getValue());
            } else {
                Entry e = parseEntry(field.getKey(), field.getValue());
                entries.put(e.name(), e);
                byOffset.add(e);
            }
        }
        checkLayout(byOffset, dataLength);
    }

    private void parseMetadata(JsonNode meta) {
        if (!meta.isObject()) {
            throw new CheckpointException(file, "corrupt header: __metadata__ is not an object");
        }
        for (var it = meta.properties().iterator(); it.hasNext(); ) {
            var f = it.next();
            if (!f.getValue().isTextual()) {
                throw new CheckpointException(file, "corrupt header: metadata '" + f.getKey() + "' is not a string");
            }
            metadata.put(f.getKey(), f.getValue().asText());
        }
    }

    private Entry parseEntry(String name, JsonNode node) {
        JsonNode dtype = node.get("dtype");
        JsonNode shape = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtype == null || !dtype.isTextual() || shape == null || !shape.isArray() || offsets == null
                || !offsets.isArray() || offsets.size() != 2) {
            throw new CheckpointException(file, "corrupt header: tensor '" + name + "' lacks dtype, shape or offsets");
        }
        String type = dtype.asText();
        if (!type.equals("F32") && !type.equals("U8")) {
            throw new CheckpointException(file, "tensor '" + name + "' has dtype " + type + "; only F32 and U8 are used");
        }
        long[] dims = new long[shape.size()];
        long elements = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.get(i).asLong(-1);
            if (!shape.get(i).isIntegralNumber() || dims[i] < 0) {
                throw new CheckpointException(file, "corrupt header: tensor '" + name + "' has a bad shape " + shape);
            }
            elements = Math.multiplyExact(elements, dims[i]);
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        long bytes = elements * (type.equals("F32") ? 4 : 1);
        if (begin < 0 || end - begin != bytes) {
            throw new CheckpointException(file, "corrupt header: tensor '" + name + "' has offsets [" + begin + ", " + end
                    + ") for " + bytes + " bytes of data");
        }
        return new Entry(name, type, dims, begin, end);
    }

    private void checkLayout(List<Entry> byOffset, long dataLength) {
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry e : byOffset) {
            if (e.begin() != expected) {
                throw new CheckpointException(file, "corrupt header: tensor '" + e.name() + "' starts at " + e.begin()
                        + " but the previous tensor ends at " + expected + " (gap or overlap)");
            }
            expected = e.end();
        }
        if (dataLength < expected) {
            throw new CheckpointException(file, "truncated: the header describes " + expected
                    + " bytes of tensor data but only " + dataLength + " are present");
        }
        if (dataLength > expected) {
            throw new CheckpointException(file, "corrupt: " + (dataLength - expected)
                    + " bytes follow the last tensor");
        }
    }

    /** SHA-256 of the file with the metadata's digest replaced by zeros, against that digest. */
    private void verifyChecksum(byte[] header) {
        String recorded = metadata.get(SafeTensorsWriter.CHECKSUM_KEY);
        if (recorded == null || !recorded.matches("[0-9a-f]{64}")) {
            throw new CheckpointException(file, "no valid sha256 checksum in the metadata");
        }
        String text = new String(header, StandardCharsets.UTF_8);
        String field = "\"" + SafeTensorsWriter.CHECKSUM_KEY + "\":\"" + recorded + "\"";
        int at = text.indexOf(field);
        if (at < 0) {
            throw new CheckpointException(file, "corrupt header: the checksum field is not in the written form");
        }
        byte[] zeroed = header.clone();
        int hexAt = text.substring(0, at).getBytes(StandardCharsets.UTF_8).length + field.length() - 65;
        for (int i = 0; i < 64; i++) {
            zeroed[hexAt + i] = '0';
        }
        MessageDigest d = SafeTensorsWriter.sha256();
        d.update(segment.asSlice(0, 8).asByteBuffer());
        d.update(zeroed);
        long chunk = 1L << 30;
        for (long at2 = dataStart; at2 < segment.byteSize(); at2 += chunk) {
            d.update(segment.asSlice(at2, Math.min(chunk, segment.byteSize() - at2)).asByteBuffer());
        }
        String actual = HexFormat.of().formatHex(d.digest());
        if (!actual.equals(recorded)) {
            throw new CheckpointException(file, "checksum mismatch: the file is corrupt (recorded " + recorded
                    + ", computed " + actual + ")");
        }
    }

    void readFloats(Entry e, float[] dst) {
        check(e, "F32", dst.length);
        MemorySegment.copy(segment, F32, dataStart + e.begin(), dst, 0, dst.length);
    }

    void readBytes(Entry e, byte[] dst) {
        check(e, "U8", dst.length);
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, dataStart + e.begin(), dst, 0, dst.length);
    }

    private void check(Entry e, String dtype, int length) {
        if (!e.dtype().equals(dtype) || e.elements() != length) {
            throw new CheckpointException(file, "tensor '" + e.name() + "' is " + e.dtype() + " with " + e.elements()
                    + " elements, not " + dtype + " with " + length);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
