package org.wsbridge.process;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Cuts a byte stream into lines: each line loses its {@code \n} or {@code \r\n}; a line longer than the limit
 * is emitted in pieces of at most the limit (cut on a UTF-8 character boundary); what is left when the stream
 * ends is emitted as a last line (websocketd drops it; SPEC §3 keeps it).
 *
 * <p>Not thread-safe: one framer per stream, used on its session's event loop. {@link #feed} takes ownership of
 * the chunk; a line handed to the {@link Sink} is only lent for the call, so the common case (copy it out)
 * costs no buffer object per line.
 */
public final class LineFramer {
    /** Receives the lines of one stream. */
    public interface Sink {
        /**
         * One line without its terminator: {@code length} bytes of {@code buf} from {@code index}. Borrowed: valid
         * only during the call; take a retained slice to keep it.
         */
        void line(ByteBuf buf, int index, int length);
    }

    private final ByteBufAllocator alloc;
    private final int maxLineSize;
    private ByteBuf pending; // the start of a line whose end has not arrived yet

    public LineFramer(ByteBufAllocator alloc, int maxLineSize) {
        this.alloc = alloc;
        this.maxLineSize = maxLineSize;
    }

    /** Emits every complete line of {@code chunk} (after what is pending); keeps the incomplete rest. */
    public void feed(ByteBuf chunk, Sink sink) {
        ByteBuf in = chunk;
        int scanFrom = chunk.readerIndex();
        boolean wasPending = pending != null;
        if (wasPending) {
            // Only the new bytes can hold a newline: scanning the whole pending line again would make one long
            // line cost time quadratic in its length.
            scanFrom = pending.writerIndex();
            pending.writeBytes(chunk);
            chunk.release();
            in = pending;
            pending = null;
        }
        boolean keep = false;
        try {
            int nl;
            while ((nl = DirectBytes.indexOf(in, scanFrom, in.writerIndex(), (byte) '\n')) >= 0) {
                int end = nl;
                if (end > in.readerIndex() && in.getByte(end - 1) == '\r') {
                    end--;
                }
                emitBounded(in, end - in.readerIndex(), sink);
                in.readerIndex(nl + 1);
                scanFrom = nl + 1;
            }
            while (in.readableBytes() > maxLineSize) {
                emitPiece(in, sink);
            }
            if (in.isReadable()) {
                if (wasPending && in.readerIndex() == 0) {
                    pending = in; // still one unfinished line: keep growing it in place
                    keep = true;
                } else {
                    pending = alloc.directBuffer(Math.max(in.readableBytes() * 2, 256));
                    pending.writeBytes(in);
                }
            }
        } finally {
            if (!keep) {
                in.release();
            }
        }
    }

    /** The stream ended: emits what is pending as a final line. */
    public void finish(Sink sink) {
        if (pending == null) {
            return;
        }
        ByteBuf rest = pending;
        pending = null;
        try {
            while (rest.readableBytes() > maxLineSize) {
                emitPiece(rest, sink);
            }
            if (rest.isReadable()) {
                sink.line(rest, rest.readerIndex(), rest.readableBytes());
            }
        } finally {
            rest.release();
        }
    }

    /** Drops anything pending (the session is gone). */
    public void discard() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    private void emitBounded(ByteBuf in, int length, Sink sink) {
        int stop = in.readerIndex() + length;
        while (stop - in.readerIndex() > maxLineSize) {
            emitPiece(in, sink);
        }
        sink.line(in, in.readerIndex(), stop - in.readerIndex());
    }

    /** Emits up to maxLineSize bytes, backing off so a multi-byte UTF-8 character is never cut. */
    private void emitPiece(ByteBuf in, Sink sink) {
        int start = in.readerIndex();
        int cut = start + maxLineSize;
        int floor = Math.max(start + 1, cut - 3);
        while (cut > floor && (in.getByte(cut) & 0xC0) == 0x80) {
            cut--;
        }
        sink.line(in, start, cut - start);
        in.readerIndex(cut);
    }
}
