package org.wsbridge.room;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code --framing=json}: client events become JSON lines on the child's stdin
 * ({@code {"event":"join","id":…,"env":{…}}}, {@code {"event":"message","id":…,"data":…}},
 * {@code {"event":"leave","id":…}}), and the child's lines {@code {"to":id|[ids],"data":…}} and
 * {@code {"close":id,"code":…}} address or drop clients; any other line goes to everyone as it is.
 */
final class JsonFraming {
    private static final JsonFactory JSON = new JsonFactory();
    private static final int DEFAULT_CLOSE = 1000;

    private JsonFraming() {
    }

    /** The stdin line (with its {@code \n}) for one client event; releases a message's text. */
    static ByteBuf event(ByteBufAllocator alloc, MemberEvent event) {
        ByteBuf line = alloc.directBuffer();
        try (JsonGenerator json = JSON.createGenerator((java.io.OutputStream) new ByteBufOutputStream(line))) {
            json.writeStartObject();
            if (event instanceof MemberEvent.Join join) {
                json.writeStringField("event", "join");
                json.writeStringField("id", join.id());
                json.writeObjectFieldStart("env");
                for (Map.Entry<String, String> e : join.env().entrySet()) {
                    json.writeStringField(e.getKey(), e.getValue());
                }
                json.writeEndObject();
            } else if (event instanceof MemberEvent.Message message) {
                json.writeStringField("event", "message");
                json.writeStringField("id", message.id());
                json.writeStringField("data", message.text().toString(StandardCharsets.UTF_8));
            } else {
                json.writeStringField("event", "leave");
                json.writeStringField("id", event.id());
            }
            json.writeEndObject();
        } catch (IOException e) {
            line.release();
            throw new UncheckedIOException(e); // writing to memory: cannot happen
        } finally {
            if (event instanceof MemberEvent.Message message) {
                message.text().release();
            }
        }
        return line.writeByte('\n');
    }

    /**
     * What one line of the child means: an {@link Output.Addressed} or {@link Output.Close} when it is such a JSON
     * object, otherwise a {@link Output.Broadcast} of the line as it is. {@code line} (valid UTF-8) is taken over.
     */
    static Output output(ByteBufAllocator alloc, ByteBuf line) {
        if (!startsAnObject(line)) {
            return new Output.Broadcast(line);
        }
        Output parsed = null;
        try (JsonParser parser = JSON.createParser((java.io.InputStream) new ByteBufInputStream(line.duplicate()))) {
            parsed = parse(alloc, parser);
            if (parsed != null && parser.nextToken() == null) { // nothing after the object
                line.release();
                return parsed;
            }
        } catch (IOException | RuntimeException e) {
            // not JSON we understand: an ordinary line
        }
        if (parsed != null) {
            parsed.release();
        }
        return new Output.Broadcast(line);
    }

    private static boolean startsAnObject(ByteBuf line) {
        for (int i = line.readerIndex(); i < line.writerIndex(); i++) {
            byte b = line.getByte(i);
            if (b != ' ' && b != '\t') {
                return b == '{';
            }
        }
        return false;
    }

    /** The fields of one object; null when it has neither "to" nor "close". */
    private static Output parse(ByteBufAllocator alloc, JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        List<String> to = null;
        String data = null;
        String close = null;
        String reason = "";
        int code = DEFAULT_CLOSE;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "to" -> to = ids(parser, value);
                case "data" -> data = value == JsonToken.VALUE_STRING ? parser.getText() : raw(parser);
                case "close" -> close = id(parser, value);
                case "code" -> code = value == JsonToken.VALUE_NUMBER_INT ? parser.getIntValue() : -1;
                case "reason" -> reason = value == JsonToken.VALUE_STRING ? parser.getText() : raw(parser);
                default -> parser.skipChildren();
            }
        }
        if (close != null) {
            if (code != DEFAULT_CLOSE && (code < 3000 || code > 4999) && code != 1008 && code != 1011) {
                code = DEFAULT_CLOSE; // only codes an endpoint may send: 1000, 1008, 1011, 3000-4999
            }
            return new Output.Close(close, code, reason);
        }
        if (to == null || data == null) {
            return null;
        }
        return new Output.Addressed(to, ByteBufUtil.writeUtf8(alloc, data));
    }

    private static List<String> ids(JsonParser parser, JsonToken value) throws IOException {
        List<String> ids = new ArrayList<>();
        if (value == JsonToken.START_ARRAY) {
            for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                ids.add(id(parser, t));
            }
        } else {
            ids.add(id(parser, value));
        }
        return ids;
    }

    private static String id(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NUMBER_INT) {
            return parser.getText();
        }
        throw new IOException("a client id must be a string");
    }

    /** A non-string value as its JSON text (an object or number sent as the message). */
    private static String raw(JsonParser parser) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator copy = JSON.createGenerator(out)) {
            copy.copyCurrentStructure(parser);
        }
        return out.toString();
    }
}
