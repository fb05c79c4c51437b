package org.wsbridge.request;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * Collects a CGI script's output until the blank line that ends its header block (LF or CRLF line ends), at most
 * {@link #MAX_HEADER_BYTES}; then hands over the parsed head and the start of the body. Owns a buffer: call
 * {@link #release()} when done with it, whatever happened. Not thread-safe (one per request, on its loop).
 */
public final class CgiHeaderReader {
    /** The most header bytes a script may print before its blank line. */
    public static final int MAX_HEADER_BYTES = 64 * 1024;

    private final ByteBuf collected = Unpooled.buffer(256);
    private int lineStart;
    private int scanned;
    private int headerEnd = -1;
    private int bodyStart = -1;
    private boolean released;

    /**
     * Takes ownership of chunk and looks for the blank line.
     *
     * @return true once the header block is complete
     * @throws CgiResponseHead.Malformed when the block grows past the limit or a complete line is no header line
     */
    public boolean feed(ByteBuf chunk) throws CgiResponseHead.Malformed {
        try {
            collected.writeBytes(chunk);
        } finally {
            chunk.release();
        }
        for (; scanned < collected.writerIndex(); scanned++) {
            if (collected.getByte(scanned) != '\n') {
                continue;
            }
            int length = scanned - lineStart;
            if (length > 0 && collected.getByte(scanned - 1) == '\r') {
                length--;
            }
            if (length == 0) {
                headerEnd = lineStart;
                bodyStart = scanned + 1;
                break;
            }
            CgiResponseHead.line(collected.toString(lineStart, length, StandardCharsets.ISO_8859_1));
            lineStart = scanned + 1;
        }
        int headerBytes = bodyStart >= 0 ? headerEnd : collected.writerIndex();
        if (headerBytes > MAX_HEADER_BYTES) {
            throw new CgiResponseHead.Malformed("header block over " + MAX_HEADER_BYTES + " bytes");
        }
        return bodyStart >= 0;
    }

    /** True when the script has printed nothing at all. */
    public boolean isEmpty() {
        return collected.writerIndex() == 0;
    }

    /**
     * The parsed head ({@code --cgidir}'s rules): of the complete block, or, when the output ended without a blank
     * line, of everything printed (Go's rule: end of file ends the headers).
     */
    public CgiResponseHead head() throws CgiResponseHead.Malformed {
        return CgiResponseHead.parse(block());
    }

    /** As {@link #head()}, by the rules for a {@code --cgiheaders} WebSocket program (nothing required). */
    public CgiResponseHead upgradeHead() throws CgiResponseHead.Malformed {
        return CgiResponseHead.parseForUpgrade(block());
    }

    private String block() {
        int end = bodyStart >= 0 ? headerEnd : collected.writerIndex();
        return collected.toString(0, end, StandardCharsets.ISO_8859_1);
    }

    /** The body bytes that came after the blank line; the caller owns the returned buffer. */
    public ByteBuf bodyStart() {
        if (bodyStart < 0 || bodyStart == collected.writerIndex()) {
            return Unpooled.EMPTY_BUFFER;
        }
        return collected.retainedSlice(bodyStart, collected.writerIndex() - bodyStart);
    }

    /** Gives back the buffer (a body start already handed over keeps its own reference); once only. */
    public void release() {
        if (!released) {
            released = true;
            collected.release();
        }
    }
}
