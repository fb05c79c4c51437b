package org.wsbridge.process;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;

/**
 * The loops that touch every byte of a message (the newline search, the ASCII run of the UTF-8 check, the
 * client's unmasking), eight bytes at a time straight from a direct buffer's memory.
 *
 * <p>Why not {@code ByteBuf.getLong}: wsbridge runs on C1 alone (see the launcher), and C1 does not inline
 * Netty's accessor chain (a virtual call per buffer type, index and reference-count checks, byte swapping), so
 * each eight bytes cost five or six calls, in the interpreter too until the loop is compiled: on a fresh server
 * the first 1 MiB message spent tens of milliseconds there. Here each eight bytes are one static call chain
 * down to {@code Unsafe}, which C1 inlines. Without it (buffers without a memory address, or JDK 25 and later,
 * where Netty leaves {@code Unsafe} alone by default) the loops take the portable path, eight bytes a call.
 *
 * <p>The caller owns the buffer and has checked the index range.
 */
public final class DirectBytes {
    private static final long LOW_SEVEN = 0x7F7F7F7F7F7F7F7FL;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final boolean FAST = PlatformDependent.hasUnsafe();
    private static final boolean BIG_ENDIAN = PlatformDependent.BIG_ENDIAN_NATIVE_ORDER;

    private DirectBytes() {
    }

    /** True when this class reads buf's memory directly (a direct buffer with an address and Unsafe). */
    static boolean direct(ByteBuf buf) {
        return FAST && buf.hasMemoryAddress();
    }

    /** The index of the first {@code value} in {@code buf} from {@code from} up to {@code to}, or -1. */
    public static int indexOf(ByteBuf buf, int from, int to, byte value) {
        if (!direct(buf)) {
            return buf.indexOf(from, to, value);
        }
        long base = buf.memoryAddress();
        long pattern = (value & 0xFFL) * 0x0101010101010101L;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = PlatformDependent.getLong(base + i) ^ pattern; // a zero byte where value is
            long found = ~(((x & LOW_SEVEN) + LOW_SEVEN) | x | LOW_SEVEN); // its high bit set, and only there
            if (found != 0) {
                return i + (BIG_ENDIAN ? Long.numberOfLeadingZeros(found) : Long.numberOfTrailingZeros(found)) / 8;
            }
        }
        for (; i < to; i++) {
            if (PlatformDependent.getByte(base + i) == value) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The index of the first byte from {@code from} that may not be ASCII (it is at most 7 bytes before the first
     * byte with its high bit set), or {@code to}. Looking there byte by byte finds the exact one.
     */
    public static int skipAscii(ByteBuf buf, int from, int to) {
        int i = from;
        if (direct(buf)) {
            long base = buf.memoryAddress();
            for (; i + 32 <= to; i += 32) {
                long a = base + i;
                if (((PlatformDependent.getLong(a) | PlatformDependent.getLong(a + 8)
                        | PlatformDependent.getLong(a + 16) | PlatformDependent.getLong(a + 24)) & HIGH_BITS) != 0) {
                    break;
                }
            }
            for (; i + 8 <= to; i += 8) {
                if ((PlatformDependent.getLong(base + i) & HIGH_BITS) != 0) {
                    return i;
                }
            }
            return i;
        }
        while (i + 8 <= to && (buf.getLong(i) & HIGH_BITS) == 0) {
            i += 8;
        }
        return i;
    }

    /**
     * XORs the bytes of {@code buf} from {@code from} up to {@code to} with a WebSocket masking key (RFC 6455
     * §5.3), in place. {@code key} holds the key's four bytes in wire order (the first in the high byte);
     * {@code phase} is the index into the key of the byte at {@code from}.
     */
    public static void unmask(ByteBuf buf, int from, int to, int key, int phase) {
        int rotated = Integer.rotateLeft(key, 8 * (phase & 3)); // the key as it lines up with from
        int i = from;
        if (direct(buf)) {
            long base = buf.memoryAddress();
            // the same eight bytes in memory order, read as a native long
            int mem = BIG_ENDIAN ? rotated : Integer.reverseBytes(rotated);
            long mask = (mem & 0xFFFFFFFFL) | ((long) mem << 32);
            for (; i + 8 <= to; i += 8) {
                long a = base + i;
                PlatformDependent.putLong(a, PlatformDependent.getLong(a) ^ mask);
            }
        } else {
            long mask = ((long) rotated << 32) | (rotated & 0xFFFFFFFFL); // ByteBuf.getLong is big-endian
            for (; i + 8 <= to; i += 8) {
                buf.setLong(i, buf.getLong(i) ^ mask);
            }
        }
        for (; i < to; i++) {
            int shift = 24 - 8 * ((i - from) & 3);
            buf.setByte(i, buf.getByte(i) ^ (rotated >>> shift));
        }
    }
}
