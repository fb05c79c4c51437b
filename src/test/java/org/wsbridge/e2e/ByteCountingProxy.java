package org.wsbridge.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a free port of 127.0.0.1 that forwards every connection to {@code target} and counts the bytes
 * that cross it each way, as they are on the wire (headers, frames, compressed or not). A byte is counted before
 * it is passed on, so whatever one side has received is already in the count. Plain sockets, two threads a
 * connection; {@link #close()} ends them all.
 */
final class ByteCountingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int target;
    private final AtomicLong toServer = new AtomicLong();
    private final AtomicLong toClient = new AtomicLong();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    ByteCountingProxy(int target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        start("proxy-accept", this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Bytes from the clients to the server so far. */
    long toServer() {
        return toServer.get();
    }

    /** Bytes from the server to the clients so far. */
    long toClient() {
        return toClient.get();
    }

    private void accept() {
        try {
            while (true) {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(client);
                sockets.add(server);
                start("proxy-up", () -> pump(client, server, toServer));
                start("proxy-down", () -> pump(server, client, toClient));
            }
        } catch (IOException closed) {
            // close() ends the listener
        }
    }

    private static void pump(Socket from, Socket to, AtomicLong count) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                count.addAndGet(n);
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(to); // one side reset: drop the other
        }
    }

    private void start(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        sockets.forEach(ByteCountingProxy::closeQuietly);
        for (Thread thread : threads) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
