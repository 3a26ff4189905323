package dev.topiary.io;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Streams a safetensors file: an 8-byte little-endian header length, a JSON header (padded with spaces to a multiple
 * of 8 bytes) mapping each tensor name to {@code {"dtype", "shape", "data_offsets"}} plus a string-to-string
 * {@code __metadata__}, then the raw little-endian data in header order. The metadata carries {@code sha256}, the
 * SHA-256 of the whole file as written with that field's 64 hex digits set to '0'; {@link #finish()} patches it in.
 */
final class SafeTensorsWriter implements AutoCloseable {
    /** A tensor the file will hold: "F32" or "U8", and its shape. */
    record Spec(String name, String dtype, long[] shape) {
        long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        int elementBytes() {
            return dtype.equals("F32") ? 4 : 1;
        }
    }

    static final String CHECKSUM_KEY = "sha256";
    static final String ZERO_DIGEST = "0".repeat(64);
    private static final int CHUNK = 1 << 20;

    private final Path file;
    private final FileChannel channel;
    private final MessageDigest digest;
    private final List<Spec> specs;
    private final long checksumPosition;
    private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    private int next;

    SafeTensorsWriter(Path file, Map<String, String> metadata, List<Spec> specs) throws IOException {
        this.file = file;
        this.specs = List.copyOf(specs);
        this.digest = sha256();
        byte[] header = header(metadata, specs);
        int at = indexOf(header, ("\"" + CHECKSUM_KEY + "\":\"" + ZERO_DIGEST + "\"").getBytes(StandardCharsets.UTF_8));
        this.checksumPosition = 8 + at + CHECKSUM_KEY.length() + 4;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
        emit(length);
        emit(ByteBuffer.wrap(header));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    private static byte[] header(Map<String, String> metadata, List<Spec> specs) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put(CHECKSUM_KEY, ZERO_DIGEST);
        json.put("__metadata__", meta);
        long offset = 0;
        Set<String> names = new HashSet<>();
        for (Spec s : specs) {
            if (!names.add(s.name()) || s.name().equals("__metadata__")) {
                throw new IllegalArgumentException("tensor name '" + s.name() + "' is repeated or reserved");
            }
            long end = offset + s.elements() * s.elementBytes();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", s.dtype());
            entry.put("shape", s.shape());
            entry.put("data_offsets", new long[] {offset, end});
            json.put(s.name(), entry);
            offset = end;
        }
        byte[] raw = new ObjectMapper().writeValueAsBytes(json);
        int padded = (raw.length + 7) / 8 * 8;
        byte[] header = new byte[padded];
        System.arraycopy(raw, 0, header, 0, raw.length);
        java.util.Arrays.fill(header, raw.length, padded, (byte) ' ');
        return header;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("checksum placeholder missing from the header");
    }

    private Spec expect(String dtype, long elements) {
        if (next >= specs.size()) {
            throw new IllegalStateException("more tensors written than declared");
        }
        Spec s = specs.get(next++);
        if (!s.dtype().equals(dtype) || s.elements() != elements) {
            throw new IllegalStateException("tensor " + s.name() + " is declared " + s.dtype() + " with " + s.elements()
                    + " elements but " + dtype + " with " + elements + " was written");
        }
        return s;
    }

    void writeFloats(float[] data) throws IOException {
        expect("F32", data.length);
        for (int i = 0; i < data.length; ) {
            buffer.clear();
            int n = Math.min(data.length - i, CHUNK / 4);
            buffer.asFloatBuffer().put(data, i, n);
            buffer.limit(4 * n);
            emit(buffer);
            i += n;
        }
    }

    void writeBytes(byte[] data) throws IOException {
        expect("U8", data.length);
        emit(ByteBuffer.wrap(data));
    }

    private void emit(ByteBuffer b) throws IOException {
        digest.update(b.duplicate());
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** Patches the checksum in and forces everything to disk. */
    void finish() throws IOException {
        if (next != specs.size()) {
            throw new IllegalStateException((specs.size() - next) + " declared tensors were not written to " + file);
        }
        ByteBuffer hex = ByteBuffer.wrap(HexFormat.of().formatHex(digest.digest())
                .getBytes(StandardCharsets.US_ASCII));
        long at = checksumPosition;
        while (hex.hasRemaining()) {
            at += channel.write(hex, at);
        }
        channel.force(true);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
