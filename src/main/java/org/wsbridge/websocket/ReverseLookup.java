package org.wsbridge.websocket;

import io.netty.channel.EventLoop;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * REMOTE_HOST for {@code --reverselookup}: the first name the system resolver gives for the client's address
 * ({@code /etc/hosts} first, then DNS, as configured in nsswitch), with the trailing dot websocketd's Go resolver
 * adds ({@code localhost.}); the address itself when there is no name or no answer within {@link #LIMIT_MS}.
 *
 * <p>The system resolver blocks, so lookups run on a small fixed pool of daemon threads (never on an event loop),
 * with a bounded queue: when it is full the address is used at once. The answer is delivered on the event loop
 * of the channel that asked. With the feature off, {@link #off()} answers the address at once.
 */
public final class ReverseLookup {
    /** How long a connection waits for its name. */
    public static final long LIMIT_MS = 2000;
    private static final int THREADS = 2;
    private static final int QUEUE = 1024;

    private final ThreadPoolExecutor pool;
    private final Function<InetAddress, String> resolver;

    ReverseLookup(ThreadPoolExecutor pool, Function<InetAddress, String> resolver) {
        this.pool = pool;
        this.resolver = resolver;
    }

    /** No lookups: REMOTE_HOST is the address. */
    public static ReverseLookup off() {
        return new ReverseLookup(null, ReverseLookup::systemName);
    }

    /** Lookups through the system resolver on their own threads, started lazily. */
    public static ReverseLookup on() {
        return new ReverseLookup(pool(), ReverseLookup::systemName);
    }

    /** The fixed pool lookups block in: a bounded queue, daemon threads. */
    static ThreadPoolExecutor pool() {
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE),
                task -> {
                    Thread thread = new Thread(task, "wsbridge-reverselookup-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * REMOTE_HOST for a client, completed on {@code loop}: already complete when lookups are off or REMOTE_ADDR is
     * not an IP address (a Unix socket).
     *
     * @param remoteAddr REMOTE_ADDR as worked out for the request (the peer, or a trusted proxy's client)
     */
    public Future<String> remoteHost(EventLoop loop, String remoteAddr) {
        InetAddress address = pool == null ? null : NetUtil.createInetAddressFromIpAddressString(remoteAddr);
        if (address == null) {
            return loop.newSucceededFuture(remoteAddr);
        }
        return lookUp(loop, address, remoteAddr);
    }

    private Future<String> lookUp(EventLoop loop, InetAddress address, String fallback) {
        Promise<String> answer = loop.newPromise();
        ScheduledFuture<?> limit = loop.schedule(() -> answer.trySuccess(fallback), LIMIT_MS, TimeUnit.MILLISECONDS);
        answer.addListener(f -> limit.cancel(false));
        try {
            pool.execute(() -> {
                if (answer.isDone()) {
                    return; // waited too long in the queue; nobody needs the answer now
                }
                String name = qualified(resolver.apply(address), fallback);
                try {
                    loop.execute(() -> answer.trySuccess(name));
                } catch (RejectedExecutionException e) {
                    // The loop is shutting down: nobody is waiting any more.
                }
            });
        } catch (RejectedExecutionException e) {
            answer.trySuccess(fallback);
        }
        return answer;
    }

    /** Ends the lookup threads (those blocked in the resolver finish their call and exit). */
    public void shutdown() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /** The system resolver's first name for the address, or null when it has none. */
    static String systemName(InetAddress address) {
        try {
            // A fresh InetAddress with no name attached, so the lookup really happens.
            return InetAddress.getByAddress(address.getAddress()).getHostName();
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    /** A name as Go's resolver gives it, fully qualified with a trailing dot; fallback for none. */
    static String qualified(String name, String fallback) {
        if (name == null || name.isEmpty() || NetUtil.isValidIpV4Address(name) || NetUtil.isValidIpV6Address(name)) {
            return fallback; // the JDK answers with the address when there is no name
        }
        return name.endsWith(".") ? name : name + ".";
    }
}
