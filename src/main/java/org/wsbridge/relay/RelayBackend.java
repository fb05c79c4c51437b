package org.wsbridge.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The target side of a relay: what the target sends goes to the {@link RelayFrontend}, and the target taking
 * data again lets the client be read again. Until the 101 has gone out, anything that happens here waits: a
 * target that greets at once (an RFB server does) is not read before then, and one that sends and closes at once
 * has its bytes and its end delivered after the 101.
 */
final class RelayBackend extends ChannelInboundHandlerAdapter {
    private final ArrayDeque<ByteBuf> early = new ArrayDeque<>();
    private RelayFrontend frontend;
    private boolean ended;
    private Throwable error;

    /** The 101 went out: deliver what waited, then relay directly. */
    void start(RelayFrontend upgraded) {
        frontend = upgraded;
        ByteBuf chunk;
        while ((chunk = early.poll()) != null) {
            frontend.fromTarget(chunk);
        }
        frontend.flushToClient();
        if (ended) {
            frontend.targetEnded(error);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf chunk)) {
            ReferenceCountUtil.release(msg);
        } else if (frontend == null) {
            early.add(chunk);
        } else {
            frontend.fromTarget(chunk);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (frontend != null) {
            frontend.flushToClient();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (frontend != null && ctx.channel().isWritable()) {
            frontend.targetWritable();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (error == null) {
            error = cause;
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ended = true;
        if (frontend != null) {
            frontend.targetEnded(error);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        discardEarly();
    }

    /** The relay ends before it started (the handshake failed): nothing waiting will be sent. */
    void discardEarly() {
        ByteBuf chunk;
        while ((chunk = early.poll()) != null) {
            chunk.release();
        }
    }
}
