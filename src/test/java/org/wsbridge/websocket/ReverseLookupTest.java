package org.wsbridge.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** REMOTE_HOST lookups: answered on the asking loop, with Go's trailing dot, the address on silence. */
class ReverseLookupTest {
    private final EventLoop loop = new DefaultEventLoop();
    private final ThreadPoolExecutor pool = ReverseLookup.pool();
    private final CountDownLatch unblock = new CountDownLatch(1);

    @AfterEach
    void stop() throws InterruptedException {
        unblock.countDown();
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void theNameArrivesOnTheLoopFullyQualified() throws Exception {
        ReverseLookup lookup = new ReverseLookup(pool, address -> "host.example");
        Future<String> name = lookup.remoteHost(loop, "192.0.2.7");
        AtomicBoolean onLoop = new AtomicBoolean();
        CountDownLatch notified = new CountDownLatch(1);
        name.addListener(f -> {
            onLoop.set(loop.inEventLoop());
            notified.countDown();
        });
        assertTrue(notified.await(5, TimeUnit.SECONDS));
        assertEquals("host.example.", name.getNow());
        assertTrue(onLoop.get());
    }

    @Test
    void noNameOrAnAddressForANameIsTheAddress() throws Exception {
        assertEquals("192.0.2.7", new ReverseLookup(pool, address -> null).remoteHost(loop, "192.0.2.7")
                .get(5, TimeUnit.SECONDS));
        assertEquals("192.0.2.7", new ReverseLookup(pool, address -> "192.0.2.7")
                .remoteHost(loop, "192.0.2.7").get(5, TimeUnit.SECONDS));
        assertEquals("already.dotted.", ReverseLookup.qualified("already.dotted.", "x"));
    }

    @Test
    void aResolverThatHangsGivesTheAddressAfterTheLimit() throws Exception {
        ReverseLookup lookup = new ReverseLookup(pool, address -> {
            try {
                unblock.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "too.late";
        });
        Future<String> name = lookup.remoteHost(loop, "192.0.2.7");
        assertEquals("192.0.2.7", name.get(ReverseLookup.LIMIT_MS + 5000, TimeUnit.MILLISECONDS));
    }

    @Test
    void offOrWithoutAnIpTheAnswerIsImmediate() {
        assertEquals("192.0.2.7", ReverseLookup.off().remoteHost(loop, "192.0.2.7").getNow());
        assertEquals("unix-socket", new ReverseLookup(pool, address -> "never").remoteHost(loop, "unix-socket")
                .getNow());
    }

    @Test
    void theSystemResolverReadsEtcHostsFirst() throws Exception {
        Assumptions.assumeTrue(Files.readAllLines(Path.of("/etc/hosts")).stream()
                .map(String::trim).filter(l -> l.startsWith("127.0.0.1"))
                .findFirst().map(l -> l.split("\\s+")[1].equals("localhost")).orElse(false),
                "/etc/hosts names 127.0.0.1 localhost first");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        assertEquals("localhost.", ReverseLookup.qualified(ReverseLookup.systemName(loopback), "127.0.0.1"));
    }
}
