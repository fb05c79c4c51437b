package org.wsbridge.config;

import java.nio.charset.StandardCharsets;

/**
 * One NAME=VALUE pair of a child's environment.
 *
 * <p>Convention: name and value are <em>byte strings</em>, one char per byte (ISO-8859-1), never decoded
 * with a charset, so environment values and request header bytes reach the child exactly as they were
 * (SPEC §1 "bytes, not the platform charset"). Text that starts out as Unicode enters through
 * {@link #ofText}; the spawn encodes with {@link #bytes()}.
 */
public record EnvVar(String name, String value) {

    /** A variable from Unicode text, stored as the bytes of its UTF-8 encoding. */
    public static EnvVar ofText(String name, String value) {
        return new EnvVar(byteString(name), byteString(value));
    }

    /** {@code NAME=VALUE} as the bytes the child sees (no terminating NUL). */
    public byte[] bytes() {
        return toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The byte-string form (one char per byte) of the UTF-8 encoding of {@code text}. */
    public static String byteString(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return name + "=" + value;
    }
}
