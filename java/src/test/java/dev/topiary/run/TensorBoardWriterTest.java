package dev.topiary.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Event files parse back: record lengths and masked CRC32C checked by an independent reader, golden bytes. */
public class TensorBoardWriterTest {

    /** Bitwise CRC32C (Castagnoli, reflected polynomial 0x82F63B78), independent of the JDK's table version. */
    static int crc32c(byte[] b, int off, int len) {
        int c = 0xFFFFFFFF;
        for (int i = off; i < off + len; i++) {
            c ^= b[i] & 0xFF;
            for (int k = 0; k < 8; k++) {
                c = (c >>> 1) ^ ((c & 1) != 0 ? 0x82F63B78 : 0);
            }
        }
        return ~c;
    }

    static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    }

    @Test
    void theCrcOfTheStandardCheckStringIsKnown() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xE3069283, crc32c(check, 0, check.length));
        assertEquals(mask(crc32c(check, 0, 9)), TfEvents.maskedCrc32c(check, 0, 9));
    }

    @Test
    void oneScalarEventMatchesTheHandEncodedBytes() {
        // Event{wall_time: 1.5, step: 7, summary{value{tag: "loss", simple_value: 0.25}}}:
        //   09 | 00 00 00 00 00 00 F8 3F   field 1, 64-bit: 1.5 = 0x3FF8000000000000 little-endian
        //   10 07                          field 2, varint: 7
        //   2A 0D                          field 5, 13 bytes: Summary
        //     0A 0B                        Summary field 1, 11 bytes: Value
        //       0A 04 6C 6F 73 73          Value field 1: "loss"
        //       15 00 00 80 3E             Value field 2, 32-bit: 0.25f = 0x3E800000 little-endian
        // Framed: u64 length 26, masked CRC32C of those 8 bytes (0x2DD89B12), the 26 bytes, masked CRC of them
        // (0x8D7BD0C9), both little-endian.
        byte[] golden = bytes(0x1A, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x9B, 0xD8, 0x2D,
                0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0x10, 0x07, 0x2A, 0x0D, 0x0A, 0x0B,
                0x0A, 0x04, 0x6C, 0x6F, 0x73, 0x73, 0x15, 0x00, 0x00, 0x80, 0x3E,
                0xC9, 0xD0, 0x7B, 0x8D);
        assertEquals(mask(crc32c(golden, 0, 8)), ByteBuffer.wrap(golden, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
        assertEquals(mask(crc32c(golden, 12, 26)),
                ByteBuffer.wrap(golden, 38, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
        assertArrayEquals(golden, TfEvents.record(TfEvents.scalar(1.5, 7, "loss", 0.25f)));
    }

    @Test
    void writtenFilesParseBack(@TempDir Path dir) throws Exception {
        Path file;
        try (TensorBoardWriter tb = TensorBoardWriter.open(dir.resolve("tb"))) {
            tb.scalar("eval/return", 0, -1234.5, 100.0);
            tb.scalar("train/steps_per_s", 5000, 812.25, 101.0);
            tb.scalar("losses/critic", 1L << 40, 3e-4, 102.0);
            tb.sessionStart(5001);
            file = tb.file();
        }
        assertTrue(file.getFileName().toString().startsWith("events.out.tfevents."));
        List<Event> events = read(Files.readAllBytes(file));
        assertEquals(5, events.size());
        assertEquals("brain.Event:2", events.get(0).fileVersion);
        assertEquals("eval/return", events.get(1).tag);
        assertEquals(0, events.get(1).step);
        assertEquals(-1234.5f, events.get(1).value);
        assertEquals(100.0, events.get(1).wallTime);
        assertEquals(5000, events.get(2).step);
        assertEquals(812.25f, events.get(2).value);
        assertEquals(1L << 40, events.get(3).step);
        assertEquals((float) 3e-4, events.get(3).value);
        assertEquals(5001, events.get(4).step);
        assertEquals(1, events.get(4).sessionStatus);
    }

    @Test
    void truncateAfterDropsLaterStepsAndATornTailAndIsIdempotent(@TempDir Path dir) throws Exception {
        Path tb = dir.resolve("tb");
        Path first;
        try (TensorBoardWriter w = TensorBoardWriter.open(tb)) {
            for (long step = 0; step <= 9000; step += 1000) {
                w.scalar("eval/return", step, step / 10.0, 100.0 + step);
                w.scalar("loss/value", step, 1.0 / (step + 1), 100.0 + step);
            }
            w.sessionStart(4001);
            first = w.file();
        }
        // A process killed mid-write leaves half a record behind.
        byte[] torn = TfEvents.record(TfEvents.scalar(200.0, 9500, "eval/return", 1f));
        Files.write(first, java.util.Arrays.copyOf(torn, torn.length - 5), java.nio.file.StandardOpenOption.APPEND);
        Path second;
        try (TensorBoardWriter w = TensorBoardWriter.open(tb)) {
            w.scalar("eval/return", 3000, 7.0, 300.0);
            w.scalar("eval/return", 8000, 8.0, 301.0);
            second = w.file();
        }

        // Dropped: steps 5000..9000 of both tags (10), the session marker at 4001, the torn record, step 8000.
        assertEquals(10 + 1 + 1 + 1, TensorBoardWriter.truncateAfter(tb, 4000));
        List<Event> a = read(Files.readAllBytes(first));
        assertEquals("brain.Event:2", a.get(0).fileVersion);
        assertEquals(1 + 2 * 5, a.size(), "file version and two tags at steps 0..4000");
        for (Event e : a.subList(1, a.size())) {
            assertTrue(e.step <= 4000, "kept step " + e.step);
        }
        assertEquals(400f, a.get(a.size() - 2).value);
        List<Event> b = read(Files.readAllBytes(second));
        assertEquals(2, b.size());
        assertEquals(3000, b.get(1).step);

        byte[] before = Files.readAllBytes(first);
        assertEquals(0, TensorBoardWriter.truncateAfter(tb, 4000));
        assertArrayEquals(before, Files.readAllBytes(first));
        assertEquals(0, TensorBoardWriter.truncateAfter(dir.resolve("absent"), 4000));
    }

    @Test
    void theStepOfAnEventIsReadBackAndGarbageIsRejected() {
        assertEquals(0, TfEvents.stepOf(TfEvents.fileVersion(1.0)));
        assertEquals(123_456_789_012L, TfEvents.stepOf(TfEvents.scalar(2.0, 123_456_789_012L, "x", 1f)));
        assertEquals(77, TfEvents.stepOf(TfEvents.sessionStart(3.0, 77)));
        assertEquals(-1, TfEvents.stepOf(new byte[]{0x10}), "a varint cut short");
        assertEquals(-1, TfEvents.stepOf(new byte[]{0x0F, 1}), "wire type 7 does not exist");
    }

    /** What the test reader extracts from one Event. */
    public static final class Event {
        public double wallTime;
        public long step;
        public String fileVersion;
        public String tag;
        public float value = Float.NaN;
        public int sessionStatus = -1;
    }

    /** Splits TFRecords, checking both masked CRCs and that the file ends exactly after the last record. */
    public static List<Event> read(byte[] file) {
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        List<Event> events = new ArrayList<>();
        while (in.hasRemaining()) {
            int start = in.position();
            long length = in.getLong();
            assertEquals(mask(crc32c(file, start, 8)), in.getInt(), "length CRC of record " + events.size());
            int dataAt = in.position();
            in.position(dataAt + (int) length);
            assertEquals(mask(crc32c(file, dataAt, (int) length)), in.getInt(), "data CRC of " + events.size());
            events.add(parseEvent(new Proto(file, dataAt, dataAt + (int) length)));
        }
        return events;
    }

    private static Event parseEvent(Proto p) {
        Event e = new Event();
        while (p.more()) {
            int key = (int) p.varint();
            switch (key) {
                case 0x09 -> e.wallTime = Double.longBitsToDouble(p.fixed(8));
                case 0x10 -> e.step = p.varint();
                case 0x1A -> e.fileVersion = new String(p.bytes(), StandardCharsets.UTF_8);
                case 0x2A -> parseSummary(new Proto(p.bytes()), e);
                case 0x3A -> {
                    Proto log = new Proto(p.bytes());
                    assertEquals(0x08, log.varint());
                    e.sessionStatus = (int) log.varint();
                }
                default -> throw new AssertionError("unexpected Event field key " + key);
            }
        }
        return e;
    }

    private static void parseSummary(Proto s, Event e) {
        assertEquals(0x0A, s.varint());
        Proto v = new Proto(s.bytes());
        assertEquals(0x0A, v.varint());
        e.tag = new String(v.bytes(), StandardCharsets.UTF_8);
        assertEquals(0x15, v.varint());
        e.value = Float.intBitsToFloat((int) v.fixed(4));
        assertTrue(!v.more() && !s.more());
    }

    /** A minimal protobuf cursor over {@code b[pos, end)}. */
    static final class Proto {
        final byte[] b;
        int pos;
        final int end;

        Proto(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        Proto(byte[] b) {
            this(b, 0, b.length);
        }

        boolean more() {
            return pos < end;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                int x = b[pos++] & 0xFF;
                v |= (long) (x & 0x7F) << shift;
                if (x < 0x80) {
                    return v;
                }
            }
        }

        long fixed(int n) {
            long v = 0;
            for (int i = 0; i < n; i++) {
                v |= (long) (b[pos++] & 0xFF) << (8 * i);
            }
            return v;
        }

        byte[] bytes() {
            int len = (int) varint();
            byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + len);
            pos += len;
            return out;
        }
    }

    private static byte[] bytes(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) v[i];
        }
        return out;
    }
}
