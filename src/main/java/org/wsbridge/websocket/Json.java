package org.wsbridge.websocket;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON shape wsbridge writes, {@code {"stream":"stdout","data":"<line>"}} for {@code --passstderr}.
 * A string escaper this small is clearer than a JSON library dependency.
 */
final class Json {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    /** Wraps one valid-UTF-8 line; releases {@code line} and returns a new buffer. */
    static ByteBuf streamLine(String stream, ByteBuf line) {
        String text = line.toString(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(text.length() + 32);
        sb.append("{\"stream\":\"").append(stream).append("\",\"data\":\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append("\"}");
        ByteBuf out = line.alloc().buffer(sb.length() + 16);
        out.writeCharSequence(sb, StandardCharsets.UTF_8);
        line.release();
        return out;
    }
}
