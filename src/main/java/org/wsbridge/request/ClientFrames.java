package org.wsbridge.request;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * The end of an upgraded connection's pipeline, for every kind of endpoint (a program's session, a relay, a room's
 * client): sorts the frames the client sends. Data frames (text, binary, continuation) and the close go to the
 * endpoint, which then owns them; a ping is answered with a pong carrying its payload (while the endpoint still
 * answers pings); a pong feeds the endpoint's keep-alive; anything else is released.
 *
 * <p>It is a duplex handler so that an endpoint may also watch what is written to its client; the outbound methods
 * it does not override cost nothing (Netty skips them).
 */
public abstract class ClientFrames extends ChannelDuplexHandler {
    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame
                || msg instanceof ContinuationWebSocketFrame) {
            dataFrame((WebSocketFrame) msg);
        } else if (msg instanceof PingWebSocketFrame ping) {
            if (answersPings()) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
            } else {
                ping.release();
            }
        } else if (msg instanceof PongWebSocketFrame pong) {
            pong.release();
            pongReceived();
        } else if (msg instanceof CloseWebSocketFrame close) {
            clientClosed(close);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /** A text, binary or continuation frame; the endpoint releases it. */
    protected abstract void dataFrame(WebSocketFrame frame);

    /** The client's close frame; the endpoint releases it. */
    protected abstract void clientClosed(CloseWebSocketFrame close);

    /** A pong: the client is alive ({@link PingWatch#pong()}). */
    protected abstract void pongReceived();

    /** False once the endpoint is closing and a pong would follow its close frame. */
    protected boolean answersPings() {
        return true;
    }
}
