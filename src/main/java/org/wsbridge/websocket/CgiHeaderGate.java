package org.wsbridge.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.wsbridge.log.LogScope;
import org.wsbridge.process.ChildHandler;
import org.wsbridge.process.ChildProcess;
import org.wsbridge.request.CgiHeaderReader;
import org.wsbridge.request.CgiResponseHead;

/**
 * {@code --cgiheaders}: reads the CGI header block a program prints first, while its 101 is held, and says how the
 * upgrade ends. A {@code Status} other than 2xx or a {@code Location} refuses it with the program's response (its
 * output after the block as the body, up to end of file, {@link #MAX_BODY_BYTES} or the time limit); otherwise the
 * 101 goes out with the block's headers that may go on a 101, and the output after the block is the first
 * messages. No valid block within {@link #TIMEOUT_MS} and {@link CgiHeaderReader#MAX_HEADER_BYTES} is a 502 (504
 * on time-out); the program is then ended by the termination ladder, as after every refusal.
 *
 * <p>It stands between the child and its {@link Session}: stderr and stdin events always pass through, stdout once
 * the 101 is out. Stderr is read from the start, also with {@code --passstderr}: the session logs it until the 101. Lives on the connection's event loop, like the session.
 */
final class CgiHeaderGate implements ChildHandler {
    /** How long a program may take to print its whole header block (and a refusal's body). */
    static final long TIMEOUT_MS = 10_000;
    /** The most body bytes a refusal carries; the rest of the output is dropped. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    /** What the upgrader does with the program's answer; each is called at most once, only one of them. */
    interface Outcome {
        /** Send the 101 with these headers of the program's, then call {@link #opened()}. */
        void upgrade(HttpHeaders headers);

        /** Send the program's own refusal. */
        void refuse(FullHttpResponse response);

        /** Send wsbridge's error (502, 504) with this one-line body. */
        void fail(HttpResponseStatus status, String body);
    }

    private enum State {
        /** Reading the header block. */
        HEADERS,
        /** The block refused the upgrade: collecting the body of the refusal. */
        REFUSING,
        /** The 101 is on its way: output after the block waits for it. */
        HELD,
        /** Output goes to the session. */
        OPEN,
        /** Refused, failed or aborted: what is left goes to the (finished) session, which drops it. */
        DONE
    }

    private final Session session;
    private final Channel channel;
    private final CgiHeaderReader reader = new CgiHeaderReader();
    private LogScope scope;
    private State state = State.HEADERS;
    private ChildProcess child;
    private Outcome outcome;
    private ScheduledFuture<?> timer;
    /** The refusal being collected (its content is the body so far), or the output waiting for the 101. */
    private FullHttpResponse refusal;
    private ByteBuf waiting;
    private boolean eofWaiting;

    CgiHeaderGate(Session session, Channel channel) {
        this.session = session;
        this.channel = channel;
    }

    /** Starts reading the block of {@code child}, already attached to the session (which paused its stdout). */
    void start(ChildProcess process, Outcome answer) {
        this.child = process;
        this.outcome = answer;
        this.scope = session.scope();
        timer = channel.eventLoop().schedule(this::timedOut, TIMEOUT_MS, TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> {
            if (state != State.OPEN && state != State.DONE) {
                scope.debug("session", "Client left before the program's CGI header block was read");
                abort();
            }
        });
        child.resumeStdout();
        child.resumeStderr(); // with --passstderr too: logged until the 101, so a program never stalls writing it
    }

    /** The 101 is out and the session in the pipeline: what waited is delivered, then output flows through. */
    void opened() {
        if (state != State.HELD) {
            return;
        }
        state = State.OPEN;
        ByteBuf first = waiting;
        waiting = null;
        if (first.isReadable()) {
            session.stdout(first);
        } else {
            first.release();
        }
        if (eofWaiting) {
            session.stdoutEof();
        }
    }

    /** The handshake failed or the client left: drop what is held and end the program quietly. */
    void abort() {
        if (state == State.DONE) {
            return;
        }
        done();
        session.abort();
    }

    @Override
    public void stdout(ByteBuf chunk) {
        switch (state) {
            case HEADERS -> readHead(chunk);
            case REFUSING -> collect(chunk);
            case HELD -> waiting = append(waiting, chunk);
            default -> session.stdout(chunk);
        }
    }

    @Override
    public void stdoutEof() {
        switch (state) {
            case HEADERS -> endedInHead();
            case REFUSING -> sendRefusal();
            case HELD -> eofWaiting = true;
            default -> session.stdoutEof();
        }
    }

    @Override
    public void stderr(ByteBuf chunk) {
        session.stderr(chunk);
    }

    @Override
    public void stderrEof() {
        session.stderrEof();
    }

    @Override
    public void stdinDrained() {
        session.stdinDrained();
    }

    @Override
    public void stdinClosed() {
        session.stdinClosed();
    }

    private void readHead(ByteBuf chunk) {
        try {
            if (reader.feed(chunk)) {
                decide(reader.upgradeHead());
            }
        } catch (CgiResponseHead.Malformed e) {
            badGateway(e.getMessage());
        }
    }

    /** The output ended inside the block: only a refusal may end that way (as a CGI script's response may). */
    private void endedInHead() {
        if (reader.isEmpty()) {
            badGateway("the program printed nothing");
            return;
        }
        try {
            CgiResponseHead head = reader.upgradeHead();
            if (refuses(head)) {
                decide(head);
                if (state == State.REFUSING) {
                    sendRefusal(); // the body is whatever followed the block: nothing
                }
                return;
            }
        } catch (CgiResponseHead.Malformed e) {
            badGateway(e.getMessage());
            return;
        }
        badGateway("the program ended before the empty line that ends its header block");
    }

    private void decide(CgiResponseHead head) {
        ByteBuf rest = reader.bodyStart();
        reader.release();
        if (refuses(head)) {
            state = State.REFUSING;
            refusal = refusal(head);
            child.closeStdin(); // no message will come: a program waiting for one would hold the refusal
            scope.access("session", "Unable to Upgrade: the program answered " + refusal.status());
            collect(rest);
            return;
        }
        state = State.HELD;
        child.pauseStdout(); // until the session reads it, after the 101
        waiting = rest;
        timer.cancel(false);
        outcome.upgrade(onUpgrade(head));
    }

    /** A Status other than 2xx, or a Location (a 302 unless the Status is another non-2xx one). */
    private static boolean refuses(CgiResponseHead head) {
        return head.status().code() >= 300 || head.header("Location").filter(l -> !l.isEmpty()).isPresent();
    }

    private FullHttpResponse refusal(CgiResponseHead head) {
        HttpResponseStatus status = head.status().code() >= 300 ? head.status() : HttpResponseStatus.FOUND;
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                channel.alloc().buffer());
        head.headers().forEach(h -> response.headers().add(h.getKey(), h.getValue()));
        return response;
    }

    private void collect(ByteBuf chunk) {
        ByteBuf body = refusal.content();
        int room = MAX_BODY_BYTES - body.readableBytes();
        try {
            body.writeBytes(chunk, chunk.readerIndex(), Math.min(room, chunk.readableBytes()));
            if (chunk.readableBytes() >= room) {
                scope.debug("session", "The refusal's body is cut at " + MAX_BODY_BYTES + " bytes");
                sendRefusal();
            }
        } finally {
            chunk.release();
        }
    }

    private void sendRefusal() {
        FullHttpResponse response = refusal;
        refusal = null;
        done();
        outcome.refuse(response);
        session.abort();
    }

    private void timedOut() {
        if (state == State.REFUSING) {
            sendRefusal(); // with the body printed so far
        } else if (state == State.HEADERS) {
            scope.error("session", "The program printed no complete CGI header block within " + TIMEOUT_MS
                    + " ms (--cgiheaders): 504");
            fail(HttpResponseStatus.GATEWAY_TIMEOUT, "504 Gateway Timeout: the program sent no CGI header block in "
                    + TIMEOUT_MS / 1000 + " s");
        }
    }

    private void badGateway(String why) {
        scope.error("session", "The program sent no valid CGI header block (" + why + "), as --cgiheaders wants: 502");
        fail(HttpResponseStatus.BAD_GATEWAY, "502 Bad Gateway: the program sent no valid CGI header block");
    }

    private void fail(HttpResponseStatus status, String body) {
        done();
        outcome.fail(status, body);
        session.abort();
    }

    /** Leaves the gate open for good (DONE), with nothing held. */
    private void done() {
        state = State.DONE;
        timer.cancel(false);
        reader.release();
        if (refusal != null) {
            refusal.release();
            refusal = null;
        }
        if (waiting != null) {
            waiting.release();
            waiting = null;
        }
    }

    /**
     * The headers of the block that go on the 101. Left out, besides Status and the hop-by-hop ones
     * {@link CgiResponseHead} drops: {@code Sec-WebSocket-*} (the handshake is wsbridge's) and {@code Content-*}
     * (a 101 has no body; CGI scripts print a Content-Type by habit).
     */
    private HttpHeaders onUpgrade(CgiResponseHead head) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (Map.Entry<String, String> header : head.headers()) {
            String lower = header.getKey().toLowerCase(Locale.ROOT);
            if (lower.startsWith("sec-websocket-") || lower.startsWith("content-")) {
                scope.debug("session", "Header not put on the 101: " + header.getKey());
                continue;
            }
            headers.add(header.getKey(), header.getValue());
        }
        return headers;
    }

    private ByteBuf append(ByteBuf to, ByteBuf chunk) {
        ByteBuf joined = channel.alloc().buffer(to.readableBytes() + chunk.readableBytes());
        joined.writeBytes(to).writeBytes(chunk);
        to.release();
        chunk.release();
        return joined;
    }
}
