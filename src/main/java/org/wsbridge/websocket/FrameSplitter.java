package org.wsbridge.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.List;

/**
 * With {@code --compress} only: turns the session's ready-made wire frames ({@link OutboundFrames}) back into
 * frame objects, one per message, so that Netty's permessage-deflate encoder can compress them. Without
 * compression this handler is not in the pipeline and the frames go out as they are.
 */
final class FrameSplitter extends MessageToMessageEncoder<ByteBuf> {
    FrameSplitter() {
        super(ByteBuf.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf frames, List<Object> out) {
        while (frames.isReadable()) {
            int opcode = frames.readUnsignedByte() & 0x0f; // OutboundFrames writes whole messages: FIN, no RSV
            long length = frames.readUnsignedByte() & 0x7f;
            if (length == 126) {
                length = frames.readUnsignedShort();
            } else if (length == 127) {
                length = frames.readLong();
            }
            ByteBuf payload = frames.readRetainedSlice((int) length);
            out.add(opcode == OutboundFrames.OPCODE_TEXT
                    ? new TextWebSocketFrame(payload) : new BinaryWebSocketFrame(payload));
        }
    }
}
