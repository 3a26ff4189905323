package dev.topiary.run;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The bytes of TensorBoard event files, encoded by hand. A file is a sequence of TFRecords:
 * {@code uint64 length (LE) · uint32 masked_crc32c(length bytes) · data · uint32 masked_crc32c(data)} with
 * {@code masked = ((crc >>> 15) | (crc << 17)) + 0xa282ead8}. Each {@code data} is a serialized {@code Event}
 * protobuf: wall_time (1, double), step (2, int64), then one of file_version (3, string), summary (5) with values
 * of tag (1, string) and simple_value (2, float), or session_log (7) with status (1, enum; START = 1).
 * Fields at their proto3 default (step 0) are omitted, as protobuf's own serializer does.
 */
final class TfEvents {
    private static final int MASK_DELTA = 0xa282ead8;

    private TfEvents() {
    }

    /** The first record of every file: {@code file_version = "brain.Event:2"}. */
    static byte[] fileVersion(double wallTime) {
        ByteArrayOutputStream e = event(wallTime, 0);
        bytes(e, 3, "brain.Event:2".getBytes(StandardCharsets.UTF_8));
        return e.toByteArray();
    }

    /** One scalar: {@code Event{wall_time, step, summary{value{tag, simple_value}}}}. */
    static byte[] scalar(double wallTime, long step, String tag, float value) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        bytes(v, 1, tag.getBytes(StandardCharsets.UTF_8));
        key(v, 2, 5);
        int bits = Float.floatToRawIntBits(value);
        for (int i = 0; i < 4; i++) {
            v.write(bits >>> (8 * i));
        }
        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        bytes(summary, 1, v.toByteArray());
        ByteArrayOutputStream e = event(wallTime, step);
        bytes(e, 5, summary.toByteArray());
        return e.toByteArray();
    }

    /**
     * {@code SessionLog{status: START}} at {@code step}: TensorBoard then discards events of earlier files with a
     * step ≥ this one, so rows logged after a checkpoint and before a crash vanish from the plots on resume.
     */
    static byte[] sessionStart(double wallTime, long step) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        key(log, 1, 0);
        varint(log, 1);
        ByteArrayOutputStream e = event(wallTime, step);
        bytes(e, 7, log.toByteArray());
        return e.toByteArray();
    }

    private static ByteArrayOutputStream event(double wallTime, long step) {
        ByteArrayOutputStream e = new ByteArrayOutputStream(64);
        key(e, 1, 1);
        long bits = Double.doubleToRawLongBits(wallTime);
        for (int i = 0; i < 8; i++) {
            e.write((int) (bits >>> (8 * i)));
        }
        if (step != 0) {
            key(e, 2, 0);
            varint(e, step);
        }
        return e;
    }

    private static void key(ByteArrayOutputStream out, int field, int wireType) {
        varint(out, (long) field << 3 | wireType);
    }

    private static void bytes(ByteArrayOutputStream out, int field, byte[] payload) {
        key(out, field, 2);
        varint(out, payload.length);
        out.writeBytes(payload);
    }

    /** Base-128 varint, low group first; a negative int64 takes ten bytes, as in protobuf. */
    static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** {@code data} framed as one TFRecord. */
    static byte[] record(byte[] data) {
        ByteBuffer r = ByteBuffer.allocate(8 + 4 + data.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        r.putLong(data.length);
        r.putInt(maskedCrc32c(r.array(), 0, 8));
        r.put(data);
        r.putInt(maskedCrc32c(data, 0, data.length));
        return r.array();
    }

    /**
     * The step of a serialized {@code Event} (0 when absent, as proto3 omits it), skipping fields it does not need;
     * -1 when {@code data} is not a well-formed message.
     */
    static long stepOf(byte[] data) {
        int[] pos = {0};
        try {
            while (pos[0] < data.length) {
                long key = readVarint(data, pos);
                int field = (int) (key >>> 3);
                switch ((int) (key & 7)) {
                    case 0 -> {
                        long v = readVarint(data, pos);
                        if (field == 2) {
                            return v;
                        }
                    }
                    case 1 -> pos[0] += 8;
                    case 2 -> {
                        int length = (int) readVarint(data, pos);
                        pos[0] += length;
                    }
                    case 5 -> pos[0] += 4;
                    default -> {
                        return -1;
                    }
                }
            }
            return pos[0] == data.length ? 0 : -1;
        } catch (ArrayIndexOutOfBoundsException e) {
            return -1;
        }
    }

    private static long readVarint(byte[] b, int[] pos) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int x = b[pos[0]++] & 0xFF;
            v |= (long) (x & 0x7F) << shift;
            if (x < 0x80) {
                return v;
            }
        }
        throw new ArrayIndexOutOfBoundsException("varint longer than ten bytes");
    }

    static int maskedCrc32c(byte[] b, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(b, off, len);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + MASK_DELTA;
    }
}
