package org.wsbridge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a {@code --logformat=json} line back with Jackson's parser, as a log collector would. */
public final class JsonLogLine {
    private static final JsonFactory JSON = new JsonFactory();

    private JsonLogLine() {
    }

    /**
     * The line's members in order. Fails unless the line is exactly one object whose members are all strings,
     * each named once; a line that is not JSON at all throws {@link UncheckedIOException}.
     */
    public static Map<String, String> parse(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(line)) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken(), line);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                assertEquals(JsonToken.VALUE_STRING, p.nextToken(), name + " in " + line);
                assertNull(fields.put(name, p.getText()), "duplicate " + name + " in " + line);
            }
            assertEquals(JsonToken.END_OBJECT, p.currentToken(), line);
            assertNull(p.nextToken(), "one object a line: " + line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fields;
    }
}
