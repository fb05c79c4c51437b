package org.wsbridge.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TerminalControlTest {
    @Test
    void parsesAResizeWithOrWithoutWhitespace() throws Exception {
        assertEquals(new TerminalControl.Resize(80, 24), TerminalControl.parse("{\"resize\":[80,24]}"));
        assertEquals(new TerminalControl.Resize(1, 65535),
                TerminalControl.parse(" { \"resize\" : [ 1 , 65535 ] }\n"));
    }

    @Test
    void refusesAnythingElse() {
        for (String bad : new String[] {"", "ls\r", "{\"resize\":[80]}", "{\"resize\":[80,24,1]}",
                "{\"size\":[80,24]}", "{\"resize\":[-1,24]}", "{\"resize\":[80,24]} x"}) {
            TerminalControl.BadMessage e = assertThrows(TerminalControl.BadMessage.class,
                    () -> TerminalControl.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("Unknown terminal control message"), e.getMessage());
        }
        for (String bad : new String[] {"{\"resize\":[0,24]}", "{\"resize\":[80,65536]}"}) {
            TerminalControl.BadMessage e = assertThrows(TerminalControl.BadMessage.class,
                    () -> TerminalControl.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("Terminal size out of range"), e.getMessage());
        }
    }

    @Test
    void joinsFragmentsAndBoundsTheirLength() throws Exception {
        TerminalControl control = new TerminalControl();
        BinaryWebSocketFrame first = new BinaryWebSocketFrame(false, 0, bytes("{\"resize\":"));
        ContinuationWebSocketFrame last = new ContinuationWebSocketFrame(true, 0, bytes("[132,43]}"));
        try {
            assertEquals(Optional.empty(), control.add(first));
            assertEquals(Optional.of(new TerminalControl.Resize(132, 43)), control.add(last));
        } finally {
            first.release();
            last.release();
        }
        BinaryWebSocketFrame huge = new BinaryWebSocketFrame(bytes(" ".repeat(TerminalControl.MAX_LENGTH + 1)));
        try {
            assertThrows(TerminalControl.BadMessage.class, () -> control.add(huge));
        } finally {
            huge.release();
        }
    }

    private static io.netty.buffer.ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }
}
