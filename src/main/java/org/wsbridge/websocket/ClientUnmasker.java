package org.wsbridge.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.wsbridge.process.DirectBytes;

/**
 * Unmasks the client's frames (RFC 6455 §5.3) in the byte stream, as they arrive, ahead of Netty's frame decoder,
 * which it installs behind itself and which is configured to expect unmasked frames. Netty's decoder would unmask
 * each payload once it is complete, through ByteBuf accessors that C1 does not inline: on a fresh server the first
 * 1 MiB message spent some 20 ms there. Here a payload is unmasked in place in the read buffer
 * ({@link DirectBytes#unmask}) and each header loses its masking key, so the stream shrinks by four bytes a frame.
 *
 * <p>A frame that arrives unmasked is refused as before: it is passed on with its mask bit set, and the decoder
 * closes with its usual 1002 ("received a frame that is not masked as expected"); what follows is passed on as
 * it is. Everything else (opcodes, lengths, limits, fragmentation) is still the decoder's to check.
 *
 * <p>Not sharable: one per connection.
 */
final class ClientUnmasker extends ChannelInboundHandlerAdapter {
    private static final int KEY_BYTES = 4;

    private final ChannelHandler decoder;
    /** Bytes of the current frame's header seen so far; 0 at a frame's first byte. */
    private int headerSeen;
    /** Size of the current header's extended length: 0, 2 or 8 bytes. */
    private int extendedBytes;
    private boolean inPayload;
    private long payloadLeft;
    private int key;
    /** Which byte of the key the next payload byte is masked with. */
    private int phase;
    /** After an unmasked frame: nothing more is unmasked (the decoder fails the connection). */
    private boolean passThrough;

    /** @param decoder Netty's frame decoder, set to expect unmasked frames */
    ClientUnmasker(ChannelHandler decoder) {
        this.decoder = decoder;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.pipeline().addAfter(ctx.name(), "wsframes", decoder);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (passThrough || !(msg instanceof ByteBuf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf in = (ByteBuf) msg;
        if (in.isReadOnly()) {
            ByteBuf copy = ctx.alloc().buffer(in.readableBytes()).writeBytes(in);
            in.release();
            in = copy;
        }
        int end = unmask(in);
        in.writerIndex(end);
        if (in.isReadable()) {
            ctx.fireChannelRead(in);
        } else {
            in.release();
        }
    }

    /** Rewrites in's readable bytes in place; returns the new end (each header is up to four bytes shorter). */
    private int unmask(ByteBuf in) {
        int r = in.readerIndex();
        int end = in.writerIndex();
        int w = r;
        while (r < end && !passThrough) {
            if (inPayload) {
                int n = (int) Math.min(payloadLeft, end - r);
                DirectBytes.unmask(in, r, r + n, key, phase);
                if (w != r) {
                    in.setBytes(w, in, r, n); // moves down over the dropped key bytes
                }
                r += n;
                w += n;
                phase = (phase + n) & 3;
                payloadLeft -= n;
                if (payloadLeft == 0) {
                    inPayload = false;
                    headerSeen = 0;
                }
                continue;
            }
            int b = in.getByte(r++) & 0xFF;
            w = headerByte(in, w, b);
        }
        if (r < end) { // passing through: the rest unchanged
            if (w != r) {
                in.setBytes(w, in, r, end - r);
            }
            w += end - r;
        }
        return w;
    }

    /** Takes the next header byte; writes what the decoder is to see at w and returns the next w. */
    private int headerByte(ByteBuf in, int w, int b) {
        int at = headerSeen++;
        if (at == 0) {
            in.setByte(w++, b);
            return w;
        }
        if (at == 1) {
            if ((b & 0x80) == 0) {
                in.setByte(w++, b | 0x80); // the decoder, expecting unmasked frames, refuses this one
                passThrough = true;
                return w;
            }
            int length = b & 0x7F;
            extendedBytes = length == 126 ? 2 : length == 127 ? 8 : 0;
            payloadLeft = extendedBytes == 0 ? length : 0;
            in.setByte(w++, length);
            return w;
        }
        if (at < 2 + extendedBytes) {
            payloadLeft = (payloadLeft << 8) | b;
            in.setByte(w++, b);
            return w;
        }
        key = (key << 8) | b; // four shifts push the previous frame's key out
        if (at == 1 + extendedBytes + KEY_BYTES) { // the header is complete
            phase = 0;
            if (payloadLeft == 0) {
                headerSeen = 0;
            } else if (payloadLeft < 0) {
                passThrough = true; // a length no frame can have: the decoder deals with it
            } else {
                inPayload = true;
            }
        }
        return w;
    }
}
