package org.wsbridge.process;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.wsbridge.log.LogScope;

/**
 * A child's stderr as log lines: each line (cut at the line-size limit, as {@link LineFramer} cuts) becomes an ERROR
 * line of category {@code stderr} in {@code scope}, as websocketd logs it.
 */
public final class StderrLog {
    private final LineFramer lines;
    private final LogScope scope;

    public StderrLog(ByteBufAllocator alloc, int maxLineSize, LogScope scope) {
        this.lines = new LineFramer(alloc, maxLineSize);
        this.scope = scope;
    }

    /** A chunk of stderr: its complete lines are logged, the rest is kept for the next chunk. */
    public void feed(ByteBuf chunk) {
        lines.feed(chunk, this::log);
    }

    /** End of stderr: a last line without its newline is logged too. */
    public void finish() {
        lines.finish(this::log);
    }

    /** Drops a line whose end has not come (the pipe is closed before its end of file). */
    public void discard() {
        lines.discard();
    }

    private void log(ByteBuf buf, int index, int length) {
        scope.error("stderr", buf.toString(index, length, StandardCharsets.UTF_8));
    }
}
