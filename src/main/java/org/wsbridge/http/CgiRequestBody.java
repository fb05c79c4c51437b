package org.wsbridge.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import org.wsbridge.process.ChildProcess;

/**
 * A request body on its way to a CGI script's stdin: kept until the script exists, counted against
 * {@code --cgimaxbody}, written with backpressure (the socket is not read while stdin has bytes queued), and
 * stdin closed once the body has ended and been written. On the connection's event loop only.
 */
final class CgiRequestBody {
    private final Channel channel;
    private final long maxBytes;
    private final ArrayDeque<HttpContent> early = new ArrayDeque<>();
    private ChildProcess stdin;
    private long bytes;
    private boolean complete;
    private boolean closeWhenDrained;
    private boolean dropped;

    /** @param maxBytes the most body bytes accepted; 0 = no limit */
    CgiRequestBody(Channel channel, long maxBytes) {
        this.channel = channel;
        this.maxBytes = maxBytes;
    }

    /**
     * Takes ownership of a piece and writes it to the script, or keeps it until {@link #attach}.
     *
     * @return false when the body has just grown past the limit (the piece is dropped)
     */
    boolean add(HttpContent piece) {
        if (dropped) {
            piece.release();
            return true;
        }
        if (stdin == null) {
            early.add(piece);
            return true;
        }
        try {
            ByteBuf data = piece.content();
            bytes += data.readableBytes();
            if (maxBytes > 0 && bytes > maxBytes) {
                return false;
            }
            if (data.isReadable()) {
                stdin.writeStdin(data.retain());
            }
            if (piece instanceof LastHttpContent) {
                complete = true;
                if (stdin.stdinPending() > 0) {
                    closeWhenDrained = true;
                } else {
                    stdin.closeStdin();
                }
            } else if (stdin.stdinPending() > 0) {
                channel.config().setAutoRead(false); // resumed by drained()
            }
            return true;
        } finally {
            piece.release();
        }
    }

    /**
     * The script is running: writes what arrived before it, in order. A request that announced no body
     * closes the script's stdin at once.
     *
     * @return false when what arrived already exceeds the limit
     */
    boolean attach(ChildProcess child, boolean announced) {
        stdin = child;
        if (!announced) {
            child.closeStdin();
        }
        HttpContent piece;
        while ((piece = early.poll()) != null) {
            if (!add(piece)) {
                return false;
            }
        }
        return true;
    }

    /** True once the whole body has arrived. */
    boolean complete() {
        return complete;
    }

    /** True while the script is slow to read what it was sent. */
    boolean backedUp() {
        return stdin != null && stdin.stdinPending() > 0;
    }

    /** The script took everything queued: close its stdin if the body is over, else read the socket again. */
    void drained() {
        if (closeWhenDrained) {
            stdin.closeStdin();
        } else if (!dropped && !complete) {
            channel.config().setAutoRead(true);
        }
    }

    /** The script closed its stdin: the rest of the body is read and dropped. */
    void stdinClosed() {
        if (!dropped && !complete) {
            channel.config().setAutoRead(true);
        }
    }

    /** The exchange is over: drop what is kept and whatever still arrives. */
    void drop() {
        dropped = true;
        HttpContent piece;
        while ((piece = early.poll()) != null) {
            piece.release();
        }
    }
}
