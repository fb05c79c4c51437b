package org.wsbridge.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineFramerTest {
    private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true, false);
    private final List<String> lines = new ArrayList<>();
    private final LineFramer.Sink sink = (buf, index, length) -> lines.add(buf.toString(index, length,
            StandardCharsets.UTF_8));

    private ByteBuf buf(String s) {
        ByteBuf b = alloc.directBuffer();
        b.writeCharSequence(s, StandardCharsets.UTF_8);
        return b;
    }

    @Test
    void splitsOnNewlineAndStripsCrLf() {
        LineFramer f = new LineFramer(alloc, 100);
        f.feed(buf("a\nb\r\nc\rd\n\n"), sink);
        assertEquals(List.of("a", "b", "c\rd", ""), lines);
    }

    @Test
    void joinsLinesAcrossChunksIncludingASplitCrLf() {
        LineFramer f = new LineFramer(alloc, 100);
        f.feed(buf("hel"), sink);
        f.feed(buf("lo\r"), sink);
        f.feed(buf("\nwor"), sink);
        f.finish(sink);
        assertEquals(List.of("hello", "wor"), lines);
    }

    @Test
    void splitsLongLinesWithoutCuttingACharacter() {
        LineFramer f = new LineFramer(alloc, 4);
        f.feed(buf("abcdefghij\n"), sink);
        f.feed(buf("abcé"), sink); // é is two bytes: "abc" + "é"
        f.feed(buf("xyz\n"), sink);
        assertEquals(List.of("abcd", "efgh", "ij", "abc", "éxy", "z"), lines);
    }

    @Test
    void finishWithNothingPendingEmitsNothing() {
        LineFramer f = new LineFramer(alloc, 10);
        f.feed(buf("done\n"), sink);
        f.finish(sink);
        assertEquals(List.of("done"), lines);
    }
}
