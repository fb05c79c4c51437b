package org.wsbridge.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each loop against the plain byte-by-byte answer, on direct and heap buffers, at every start and end. */
class DirectBytesTest {
    private static final int SIZE = 80;

    private static List<ByteBuf> buffers(byte[] bytes) {
        ByteBuf direct = Unpooled.directBuffer(bytes.length + 16).writeZero(3).writeBytes(bytes).skipBytes(3);
        ByteBuf heap = Unpooled.buffer(bytes.length).writeBytes(bytes);
        assertTrue(direct.hasMemoryAddress(), "the fast path is tested");
        return List.of(direct.slice(), heap, direct); // the third is only there to be released
    }

    private static void release(List<ByteBuf> buffers) {
        buffers.get(1).release();
        buffers.get(2).release();
    }

    @Test
    void indexOfFindsTheFirstMatchOnly() {
        Random random = new Random(1);
        for (int round = 0; round < 20; round++) {
            byte[] bytes = new byte[SIZE];
            for (int i = 0; i < SIZE; i++) {
                bytes[i] = (byte) (random.nextInt(4) == 0 ? '\n' : random.nextInt(256)); // '\n' next to 0x0A±1 too
            }
            List<ByteBuf> buffers = buffers(bytes);
            for (ByteBuf buf : buffers.subList(0, 2)) {
                for (int from = 0; from < SIZE; from++) {
                    for (int to = from; to <= SIZE; to += 3) {
                        int expected = -1;
                        for (int i = from; i < to && expected < 0; i++) {
                            expected = bytes[i] == '\n' ? i : -1;
                        }
                        assertEquals(expected, DirectBytes.indexOf(buf, from, to, (byte) '\n'), from + ".." + to);
                    }
                }
            }
            release(buffers);
        }
    }

    @Test
    void indexOfFindsHighBytesAndNothingInAnAbsentRun() {
        byte[] bytes = new byte[SIZE];
        bytes[37] = (byte) 0xFF;
        bytes[70] = (byte) 0xFF;
        List<ByteBuf> buffers = buffers(bytes);
        for (ByteBuf buf : buffers.subList(0, 2)) {
            assertEquals(37, DirectBytes.indexOf(buf, 0, SIZE, (byte) 0xFF));
            assertEquals(70, DirectBytes.indexOf(buf, 38, SIZE, (byte) 0xFF));
            assertEquals(-1, DirectBytes.indexOf(buf, 0, SIZE, (byte) 1));
        }
        release(buffers);
    }

    @Test
    void skipAsciiStopsAtMostSevenBytesBeforeTheFirstHighByte() {
        for (int high = 0; high <= SIZE; high++) {
            byte[] bytes = new byte[SIZE];
            Arrays.fill(bytes, (byte) 'a');
            if (high < SIZE) {
                bytes[high] = (byte) 0xC3;
            }
            List<ByteBuf> buffers = buffers(bytes);
            for (ByteBuf buf : buffers.subList(0, 2)) {
                for (int from = 0; from <= Math.min(high, SIZE - 1); from++) {
                    int at = DirectBytes.skipAscii(buf, from, SIZE);
                    assertTrue(at >= from && at <= high && (high == SIZE ? at > SIZE - 8 : at > high - 8),
                            "from " + from + ", high byte at " + high + ": stopped at " + at);
                }
            }
            release(buffers);
        }
    }

    @Test
    void unmaskXorsWithTheKeyFromAnyPhase() {
        Random random = new Random(2);
        byte[] original = new byte[SIZE];
        random.nextBytes(original);
        byte[] key = {(byte) 0x9A, 0x12, (byte) 0xF0, 0x07};
        int keyInt = ((key[0] & 0xFF) << 24) | ((key[1] & 0xFF) << 16) | ((key[2] & 0xFF) << 8) | (key[3] & 0xFF);
        for (int phase = 0; phase < 4; phase++) {
            for (int from = 0; from < 12; from++) {
                for (int to = from; to <= SIZE; to += 5) {
                    List<ByteBuf> buffers = buffers(original);
                    for (ByteBuf buf : buffers.subList(0, 2)) {
                        DirectBytes.unmask(buf, from, to, keyInt, phase);
                        for (int i = 0; i < SIZE; i++) {
                            byte expected = i >= from && i < to
                                    ? (byte) (original[i] ^ key[(phase + i - from) & 3]) : original[i];
                            assertEquals(expected, buf.getByte(i), "phase " + phase + ", " + from + ".." + to
                                    + ", byte " + i);
                        }
                    }
                    release(buffers);
                }
            }
        }
    }
}
