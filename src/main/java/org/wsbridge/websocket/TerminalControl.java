package org.wsbridge.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --pty}: the client's control messages. Keystrokes come in messages of the session's type (text, or
 * binary with {@code --binary}) and go to the terminal byte for byte; a message of the other type is a control
 * message, so no input, however it looks, is ever taken for one. The one control message is
 * {@code {"resize":[COLS,ROWS]}} (UTF-8 JSON, whitespace allowed), each number from 1 to 65535.
 *
 * <p>Not thread-safe: one per session, used on its event loop.
 */
final class TerminalControl {
    /** Longer than any well-formed control message with generous whitespace. */
    static final int MAX_LENGTH = 256;
    private static final int MAX_SIZE = 65535;
    private static final Pattern RESIZE = Pattern.compile(
            "\\s*\\{\\s*\"resize\"\\s*:\\s*\\[\\s*(\\d{1,5})\\s*,\\s*(\\d{1,5})\\s*]\\s*}\\s*");

    /** A window size asked for by the client. */
    record Resize(int cols, int rows) {
    }

    /** A control message wsbridge does not understand; the session closes with 1003. */
    static final class BadMessage extends Exception {
        BadMessage(String message) {
            super(message);
        }
    }

    private final byte[] message = new byte[MAX_LENGTH];
    private int length;

    /**
     * Adds one frame of a control message (the frame stays the caller's); returns the request once the message
     * is complete.
     */
    Optional<Resize> add(WebSocketFrame frame) throws BadMessage {
        if (!(frame instanceof ContinuationWebSocketFrame)) {
            length = 0;
        }
        ByteBuf content = frame.content();
        int bytes = content.readableBytes();
        if (length + bytes > MAX_LENGTH) {
            length = 0;
            throw new BadMessage("Terminal control message over " + MAX_LENGTH + " bytes");
        }
        content.getBytes(content.readerIndex(), message, length, bytes);
        length += bytes;
        if (!frame.isFinalFragment()) {
            return Optional.empty();
        }
        String text = new String(message, 0, length, StandardCharsets.UTF_8);
        length = 0;
        return Optional.of(parse(text));
    }

    static Resize parse(String text) throws BadMessage {
        Matcher m = RESIZE.matcher(text);
        if (!m.matches()) {
            throw new BadMessage("Unknown terminal control message (expected {\"resize\":[COLS,ROWS]}): "
                    + shorten(text));
        }
        int cols = Integer.parseInt(m.group(1));
        int rows = Integer.parseInt(m.group(2));
        if (cols < 1 || rows < 1 || cols > MAX_SIZE || rows > MAX_SIZE) {
            throw new BadMessage("Terminal size out of range (1 to " + MAX_SIZE + "): " + cols + "x" + rows);
        }
        return new Resize(cols, rows);
    }

    /** The start of a bad message, on one line, for the log. */
    private static String shorten(String text) {
        String line = text.replaceAll("\\p{Cntrl}", "?");
        return line.length() > 60 ? line.substring(0, 60) + "…" : line;
    }
}
