package org.wsbridge.websocket;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Lets only valid UTF-8 text messages through (RFC 6455 §8.1): an invalid one, even split over several frames,
 * closes the connection with 1007 and nothing of that frame reaches the program. Netty's own validator checks byte
 * by byte; this one skips ASCII eight bytes at a time, which is most text. One per connection.
 */
final class TextValidator extends ChannelInboundHandlerAdapter {
    private Utf8.Validator message; // the text message in progress, null between messages

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof TextWebSocketFrame || msg instanceof ContinuationWebSocketFrame && message != null) {
            WebSocketFrame frame = (WebSocketFrame) msg;
            if (msg instanceof TextWebSocketFrame) {
                message = new Utf8.Validator();
            }
            boolean valid = message.feed(frame.content()) && (!frame.isFinalFragment() || message.complete());
            if (frame.isFinalFragment()) {
                message = null;
            }
            if (!valid) {
                ReferenceCountUtil.release(msg);
                ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code(),
                        "invalid UTF-8")).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }
}
