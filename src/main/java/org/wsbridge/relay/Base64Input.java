package org.wsbridge.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Base64;

/**
 * Decodes the client's base64 text messages ({@link RelayEncoding#BASE64}), which may arrive in fragments split
 * anywhere: up to three characters of a fragment wait for the next one. Not thread-safe; one per relay.
 */
final class Base64Input {
    private final byte[] carry = new byte[3];
    private int carried;

    /**
     * The bytes of one fragment of a message, or null when the text is not base64. The caller keeps
     * {@code text}; the result is its own.
     */
    ByteBuf decode(ByteBuf text, boolean lastFragment) {
        int length = carried + text.readableBytes();
        int whole = lastFragment ? length : length - length % 4;
        byte[] chars = new byte[whole];
        int fromCarry = Math.min(carried, whole);
        System.arraycopy(carry, 0, chars, 0, fromCarry);
        text.getBytes(text.readerIndex(), chars, fromCarry, whole - fromCarry);
        int left = length - whole;
        if (left > 0) {
            // what did not fill a group of four: the rest of the carry (if any) and the end of this fragment
            byte[] rest = new byte[left];
            int restFromCarry = carried - fromCarry;
            System.arraycopy(carry, fromCarry, rest, 0, restFromCarry);
            text.getBytes(text.readerIndex() + (whole - fromCarry), rest, restFromCarry, left - restFromCarry);
            System.arraycopy(rest, 0, carry, 0, left);
        }
        carried = left;
        try {
            return Unpooled.wrappedBuffer(Base64.getDecoder().decode(chars));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
