package org.wsbridge.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real server for relay tests, on a free TCP port of 127.0.0.1 or on a Unix socket: each accepted connection
 * runs a {@link Behaviour} on a thread of its own (blocking I/O). Closing it closes every connection.
 */
final class TargetServer implements AutoCloseable {
    /** What the server does with one connection; returning closes it. */
    interface Behaviour {
        void serve(SocketChannel connection, TargetServer server) throws IOException;
    }

    private final ServerSocketChannel listener;
    private final Path unixPath;
    private final Behaviour behaviour;
    private final List<SocketChannel> connections = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    /** Connections accepted so far. */
    final AtomicInteger accepted = new AtomicInteger();
    /** Connections whose client side ended with a clean EOF (not a reset), seen by the behaviours that read. */
    final AtomicInteger cleanEofs = new AtomicInteger();
    /** Bytes the behaviours wrote so far. */
    final AtomicLong written = new AtomicLong();

    private TargetServer(ServerSocketChannel listener, Path unixPath, Behaviour behaviour) {
        this.listener = listener;
        this.unixPath = unixPath;
        this.behaviour = behaviour;
        this.acceptor = new Thread(this::acceptLoop, "target-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static TargetServer tcp(Behaviour behaviour) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new TargetServer(listener, null, behaviour);
    }

    static TargetServer unix(Path path, Behaviour behaviour) throws IOException {
        Files.deleteIfExists(path);
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(path));
        return new TargetServer(listener, path, behaviour);
    }

    int port() throws IOException {
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    /** Sends back what it reads, until EOF. */
    static void echo(SocketChannel c, TargetServer server) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        while (c.read(buf) >= 0) {
            buf.flip();
            server.write(c, buf);
            buf.clear();
        }
        server.cleanEofs.incrementAndGet();
    }

    /**
     * Sends back what it reads until EOF, then still writes a 1 MiB goodbye before closing: only a peer that shut
     * down its sending side (rather than closing outright) takes that without a reset.
     */
    static void echoThenGoodbye(SocketChannel c, TargetServer server) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        while (c.read(buf) >= 0) {
            buf.flip();
            server.write(c, buf);
            buf.clear();
        }
        for (int i = 0; i < 64; i++) {
            server.write(c, ByteBuffer.allocate(16 * 1024));
        }
        c.shutdownOutput();
        server.cleanEofs.incrementAndGet();
    }

    /** Writes all of {@code buf}, counting it. */
    void write(SocketChannel c, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            written.addAndGet(c.write(buf));
        }
    }

    /** Reads and drops everything until EOF. */
    static void drain(SocketChannel c, TargetServer server) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        while (c.read(buf) >= 0) {
            buf.clear();
        }
        server.cleanEofs.incrementAndGet();
    }

    /** Ends the connection with a TCP reset instead of a FIN. */
    static void reset(SocketChannel c) throws IOException {
        c.setOption(StandardSocketOptions.SO_LINGER, 0);
        c.close();
    }

    private void acceptLoop() {
        try {
            while (true) {
                SocketChannel c = listener.accept();
                connections.add(c);
                accepted.incrementAndGet();
                Thread t = new Thread(() -> {
                    try (c) {
                        behaviour.serve(c, this);
                    } catch (IOException e) {
                        // the peer reset or the test closed the server
                    }
                }, "target-conn");
                t.setDaemon(true);
                t.start();
            }
        } catch (IOException e) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (SocketChannel c : connections) {
            c.close();
        }
        if (unixPath != null) {
            Files.deleteIfExists(unixPath);
        }
    }
}
