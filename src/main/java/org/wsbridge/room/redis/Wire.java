package org.wsbridge.room.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages instances exchange over Redis pub/sub: a kind letter, newline-separated header fields (the origin
 * instance first), then the payload as it is (text may hold any byte, so it comes last). See docs/rooms-bus.md.
 */
final class Wire {
    static final byte BROADCAST = 'B';
    static final byte ADDRESSED = 'A';
    static final byte CLOSE = 'C';
    static final byte END = 'E';
    static final byte JOIN = 'J';
    static final byte MESSAGE = 'M';
    static final byte LEAVE = 'L';
    private static final JsonFactory JSON = new JsonFactory();

    private Wire() {
    }

    /** A message taken apart: its kind, its header fields (origin first) and where its payload starts. */
    record Parsed(byte kind, List<String> fields, byte[] message, int payloadAt) {
        String origin() {
            return fields.get(0);
        }

        String field(int i) {
            return fields.get(i);
        }

        byte[] payload() {
            return Arrays.copyOfRange(message, payloadAt, message.length);
        }
    }

    /** One broadcast line of a {@link #BROADCAST} message, with its history stream id ({@code -} without replay). */
    record Line(String id, byte[] text) {
    }

    /** A message of {@code kind} with {@code fields} (no newline in them) and {@code payload}. */
    static byte[] encode(byte kind, List<String> fields, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 64);
        out.write(kind);
        for (String f : fields) {
            out.writeBytes(f.getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** Takes apart a message with {@code fieldCount} header fields; null when it is not one. */
    static Parsed decode(byte[] message, int fieldCount) {
        if (message.length == 0) {
            return null;
        }
        String[] fields = new String[fieldCount];
        int at = 1;
        for (int i = 0; i < fieldCount; i++) {
            int nl = indexOf(message, at);
            if (nl < 0) {
                return null;
            }
            fields[i] = new String(message, at, nl - at, StandardCharsets.UTF_8);
            at = nl + 1;
        }
        return new Parsed(message[0], List.of(fields), message, at);
    }

    /** How many header fields a message of {@code kind} has (origin included); -1 for an unknown kind. */
    static int fieldCount(byte kind) {
        return switch (kind) {
            case BROADCAST -> 1;
            case ADDRESSED, END, JOIN, MESSAGE, LEAVE -> 2;
            case CLOSE -> 3;
            default -> -1;
        };
    }

    /** Takes apart any message, by its kind; null when it is not one. */
    static Parsed decode(byte[] message) {
        return message.length == 0 || fieldCount(message[0]) < 0 ? null : decode(message, fieldCount(message[0]));
    }

    /**
     * A {@link #BROADCAST} of several lines without replay: after the origin, each line as its id ({@code -}), its
     * length and its bytes, each of the first two ended by a newline (the layout the BROADCAST script writes too).
     */
    static byte[] lines(String origin, List<byte[]> texts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(BROADCAST);
        out.writeBytes(origin.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        for (byte[] text : texts) {
            out.writeBytes(("-\n" + text.length + "\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(text);
        }
        return out.toByteArray();
    }

    /** The lines of a parsed {@link #BROADCAST}; stops at the first malformed one. */
    static List<Line> lines(Parsed broadcast) {
        byte[] m = broadcast.message();
        List<Line> lines = new ArrayList<>();
        int at = broadcast.payloadAt();
        while (at < m.length) {
            int idEnd = indexOf(m, at);
            int lenEnd = idEnd < 0 ? -1 : indexOf(m, idEnd + 1);
            if (lenEnd < 0) {
                break;
            }
            int length;
            try {
                length = Integer.parseInt(new String(m, idEnd + 1, lenEnd - idEnd - 1, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                break;
            }
            if (length < 0 || lenEnd + 1 + length > m.length) {
                break;
            }
            lines.add(new Line(new String(m, at, idEnd - at, StandardCharsets.US_ASCII),
                    Arrays.copyOfRange(m, lenEnd + 1, lenEnd + 1 + length)));
            at = lenEnd + 1 + length;
        }
        return lines;
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** A client's CGI environment as a JSON object, for join events and the members hash. */
    static byte[] env(Map<String, String> env) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, String> e : env.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The environment back from {@link #env(Map)}; empty when it is not a JSON object of strings. */
    static Map<String, String> env(byte[] json) {
        Map<String, String> env = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Map.of();
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (p.nextToken() != JsonToken.VALUE_STRING) {
                    return Map.of();
                }
                env.put(name, p.getText());
            }
        } catch (IOException e) {
            return Map.of();
        }
        return env;
    }
}
