package org.wsbridge.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CGI header block: {@link CgiResponseHead} parses it, {@link CgiHeaderReader} finds where it ends. */
class CgiResponseHeadTest {

    @Test
    void contentTypeAloneIs200WithHeadersInOrder() throws Exception {
        CgiResponseHead head = CgiResponseHead.parse("Content-Type: text/plain\r\nX-A:  one \r\nX-A: two\r\n");
        assertEquals(HttpResponseStatus.OK, head.status());
        assertEquals(List.of(Map.entry("Content-Type", "text/plain"), Map.entry("X-A", "one"), Map.entry("X-A", "two")),
                head.headers());
    }

    @Test
    void statusSetsCodeAndReasonAndIsNotPassedOn() throws Exception {
        CgiResponseHead head = CgiResponseHead.parse("Status: 404 Gone Fishing\nContent-Type: text/html\n");
        assertEquals(404, head.status().code());
        assertEquals("Gone Fishing", head.status().reasonPhrase());
        assertEquals(List.of(Map.entry("Content-Type", "text/html")), head.headers());
        assertEquals("Not Found", CgiResponseHead.parse("status: 404").status().reasonPhrase());
        assertEquals(204, CgiResponseHead.parse("Status: 204").status().code(), "a status needs no Content-Type");
    }

    @Test
    void locationWithoutStatusIsA302() throws Exception {
        CgiResponseHead local = CgiResponseHead.parse("Location: /other?x=1\n");
        assertEquals(HttpResponseStatus.FOUND, local.status());
        assertEquals(List.of(Map.entry("Location", "/other?x=1")), local.headers());
        assertEquals(HttpResponseStatus.FOUND, CgiResponseHead.parse("Location: https://example.com/\n").status());
        assertEquals(301, CgiResponseHead.parse("Status: 301\nLocation: /moved\n").status().code());
    }

    @Test
    void framingAndHopByHopHeadersAreDropped() throws Exception {
        CgiResponseHead head = CgiResponseHead.parse("Content-Type: a/b\nContent-Length: 5\nTransfer-Encoding: "
                + "chunked\nConnection: close\nKeep-Alive: 5\nUpgrade: h2c\nTrailer: X\nTE: trailers\nX-Kept: 1\n");
        assertEquals(List.of(Map.entry("Content-Type", "a/b"), Map.entry("X-Kept", "1")), head.headers());
    }

    @Test
    void aLastLineWithoutItsNewlineCounts() throws Exception {
        assertEquals(List.of(Map.entry("Content-Type", "text/plain")),
                CgiResponseHead.parse("Content-Type: text/plain").headers());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",                                         // nothing at all
        "X-Only: 1\n",                              // no Content-Type, Location or Status
        "Content-Type:\n",                          // an empty Content-Type is none
        "hello world\n",                            // not a header line
        ": no name\n",
        "Bad Name: x\nContent-Type: a/b\n",         // a space in the name
        "Content-Type : a/b\n",                     // a space before the colon
        "Content-Type: a/b\n folded\n",             // obsolete line folding
        "Content-Type: a/b\nX: a\rb\n",             // a bare CR inside a value would split the response
        "Content-Type: a/b\nX: nul\0\n",
        "Status: abc\nContent-Type: a/b\n",
        "Status: 4040\nContent-Type: a/b\n",
        "Status: 99\nContent-Type: a/b\n",
        "Status: 101 Switching\nContent-Type: a/b\n", // not a final status
        "Status: 600\nContent-Type: a/b\n",
    })
    void malformedBlocksAreRefused(String block) {
        CgiResponseHead.Malformed e = assertThrows(CgiResponseHead.Malformed.class, () -> CgiResponseHead.parse(block));
        assertFalse(e.getMessage().isEmpty());
    }

    @Test
    void theReaderFindsTheBlankLineAcrossChunksAndKeepsTheBodyStart() throws Exception {
        CgiHeaderReader reader = new CgiHeaderReader();
        try {
            assertFalse(reader.feed(bytes("Content-Type: text/pl")));
            assertFalse(reader.feed(bytes("ain\r\n")));
            assertTrue(reader.feed(bytes("\r\nbody starts\nhere")));
            assertEquals(List.of(Map.entry("Content-Type", "text/plain")), reader.head().headers());
            ByteBuf body = reader.bodyStart();
            assertEquals("body starts\nhere", body.toString(StandardCharsets.ISO_8859_1));
            body.release();
        } finally {
            reader.release();
        }
    }

    @Test
    void lfAndMixedLineEndsEndTheBlockToo() throws Exception {
        for (String output : new String[] {"Content-Type: a/b\n\nB", "Content-Type: a/b\n\r\nB",
                "Content-Type: a/b\r\n\nB"}) {
            CgiHeaderReader reader = new CgiHeaderReader();
            try {
                assertTrue(reader.feed(bytes(output)), output);
                ByteBuf body = reader.bodyStart();
                assertEquals("B", body.toString(StandardCharsets.ISO_8859_1));
                body.release();
            } finally {
                reader.release();
            }
        }
    }

    @Test
    void endOfOutputEndsAnUnfinishedBlock() throws Exception {
        CgiHeaderReader reader = new CgiHeaderReader();
        try {
            assertTrue(reader.isEmpty());
            assertFalse(reader.feed(bytes("Status: 204\n")));
            assertEquals(204, reader.head().status().code());
            assertEquals(0, reader.bodyStart().readableBytes());
        } finally {
            reader.release();
        }
    }

    @Test
    void aBlockOverTheLimitIsRefusedWithoutBuffering() throws Exception {
        CgiHeaderReader reader = new CgiHeaderReader();
        try {
            String line = "X-Filler: " + "f".repeat(1000) + "\n";
            assertThrows(CgiResponseHead.Malformed.class, () -> {
                for (int i = 0; i < 100; i++) {
                    reader.feed(bytes(line));
                }
            });
        } finally {
            reader.release();
        }
    }

    @Test
    void aLongBodyAfterAShortBlockIsFine() throws Exception {
        CgiHeaderReader reader = new CgiHeaderReader();
        try {
            assertTrue(reader.feed(bytes("Content-Type: a/b\n\n" + "z".repeat(100_000))));
            ByteBuf body = reader.bodyStart();
            assertEquals(100_000, body.readableBytes());
            body.release();
        } finally {
            reader.release();
        }
    }

    @Test
    void aBadLineIsRefusedAsSoonAsItEndsNotAtTheBlankLine() throws Exception {
        CgiHeaderReader reader = new CgiHeaderReader();
        try {
            assertFalse(reader.feed(bytes("Content-Type: a/b\nhel")), "an unfinished line is not judged yet");
            CgiResponseHead.Malformed e = assertThrows(CgiResponseHead.Malformed.class,
                    () -> reader.feed(bytes("lo\r\n")));
            assertEquals("not a header line: 'hello'", e.getMessage());
        } finally {
            reader.release();
        }
    }

    @Test
    void forAnUpgradeNothingIsRequired() throws Exception {
        assertEquals(new CgiResponseHead(HttpResponseStatus.OK, List.of()), CgiResponseHead.parseForUpgrade(""));
        CgiResponseHead cookie = CgiResponseHead.parseForUpgrade("Set-Cookie: a=1\r\n");
        assertEquals(HttpResponseStatus.OK, cookie.status());
        assertEquals(List.of(Map.entry("Set-Cookie", "a=1")), cookie.headers());
        assertEquals(HttpResponseStatus.FOUND, CgiResponseHead.parseForUpgrade("Location: /x\n").status());
        assertThrows(CgiResponseHead.Malformed.class, () -> CgiResponseHead.parse("Set-Cookie: a=1\r\n"),
                "a CGI response still needs its Content-Type");
        assertThrows(CgiResponseHead.Malformed.class, () -> CgiResponseHead.parseForUpgrade("Status: 101\n"));
    }

    @Test
    void headerFindsTheFirstValueOfAName() throws Exception {
        CgiResponseHead head = CgiResponseHead.parse("content-type: a/b\nX-A: 1\nx-a: 2\n");
        assertEquals("a/b", head.header("Content-Type").orElseThrow());
        assertEquals("1", head.header("X-A").orElseThrow());
        assertTrue(head.header("Location").isEmpty());
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }
}
