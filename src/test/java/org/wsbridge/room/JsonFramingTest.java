package org.wsbridge.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --framing=json}: the events the program reads, and what its lines mean. */
class JsonFramingTest {
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    private static ByteBuf utf8(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    private static String text(ByteBuf buf) {
        try {
            return buf.toString(StandardCharsets.UTF_8);
        } finally {
            buf.release();
        }
    }

    @Test
    void eventsAreOneJsonObjectALine() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("REMOTE_ADDR", "10.0.0.1");
        env.put("HTTP_X", "quote \" and ✓");
        assertEquals("{\"event\":\"join\",\"id\":\"a1\",\"env\":{\"REMOTE_ADDR\":\"10.0.0.1\",\"HTTP_X\":\"quote \\\" and"
                + " ✓\"}}\n", text(JsonFraming.event(ALLOC, new MemberEvent.Join("a1", env))));
        ByteBuf data = utf8("line\nwith \"newline\"");
        assertEquals("{\"event\":\"message\",\"id\":\"a1\",\"data\":\"line\\nwith \\\"newline\\\"\"}\n",
                text(JsonFraming.event(ALLOC, new MemberEvent.Message("a1", data))));
        assertEquals(0, data.refCnt(), "the message's text is released");
        assertEquals("{\"event\":\"leave\",\"id\":\"a1\"}\n", text(JsonFraming.event(ALLOC, new MemberEvent.Leave("a1"))));
    }

    @Test
    void toAddressesOneOrSeveralClients() {
        Output.Addressed one = assertInstanceOf(Output.Addressed.class,
                JsonFraming.output(ALLOC, utf8("{\"to\":\"a1\",\"data\":\"hi\"}")));
        assertEquals(List.of("a1"), one.to());
        assertEquals("hi", text(one.text()));
        Output.Addressed many = assertInstanceOf(Output.Addressed.class,
                JsonFraming.output(ALLOC, utf8(" {\"data\":{\"n\":1},\"to\":[\"a1\",\"b2\"],\"x\":[1]}")));
        assertEquals(List.of("a1", "b2"), many.to());
        assertEquals("{\"n\":1}", text(many.text()));
    }

    @Test
    void closeDropsOneClientWithAnAllowedCode() {
        assertEquals(new Output.Close("a1", 4001, "bye"),
                JsonFraming.output(ALLOC, utf8("{\"close\":\"a1\",\"code\":4001,\"reason\":\"bye\"}")));
        assertEquals(new Output.Close("a1", 1000, ""), JsonFraming.output(ALLOC, utf8("{\"close\":\"a1\"}")));
        assertEquals(new Output.Close("a1", 1000, ""),
                JsonFraming.output(ALLOC, utf8("{\"close\":\"a1\",\"code\":1005}")), "1005 may not be sent");
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain text", "{\"event\":\"score\",\"n\":3}", "{\"to\":\"a1\"}", "{\"to\":\"a1\",\"data\":",
            "{\"to\":\"a1\",\"data\":\"x\"} trailing", "{\"to\":{},\"data\":\"x\"}", "[1,2]", ""})
    void anyOtherLineGoesToEveryoneAsItIs(String line) {
        Output.Broadcast out = assertInstanceOf(Output.Broadcast.class, JsonFraming.output(ALLOC, utf8(line)));
        assertEquals(line, text(out.text()));
    }
}
