package org.wsbridge.room.redis;

import io.lettuce.core.resource.EventLoopGroupProvider;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Lends wsbridge's own epoll event loops to Lettuce, so that Redis's connections run on the threads that already
 * serve the clients instead of a second pool. Lettuce 7 asks for a {@code MultiThreadIoEventLoopGroup} with the
 * epoll transport, which is what wsbridge's workers are; it never shuts them down (wsbridge does).
 */
final class SharedLoops implements EventLoopGroupProvider {
    private final EventLoopGroup loops;

    SharedLoops(EventLoopGroup loops) {
        this.loops = loops;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends EventLoopGroup> T allocate(Class<T> type) {
        if (!type.isInstance(loops)) {
            throw new IllegalStateException("Lettuce asked for a " + type.getName() + ", wsbridge runs a "
                    + loops.getClass().getName());
        }
        return (T) loops;
    }

    @Override
    public int threadPoolSize() {
        int n = 0;
        for (var ignored : loops) {
            n++;
        }
        return n;
    }

    @Override
    public Future<Boolean> release(EventExecutorGroup group, long quietPeriod, long timeout, TimeUnit unit) {
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
    }

    @Override
    public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit unit) {
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
    }
}
