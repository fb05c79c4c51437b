package org.wsbridge.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.wsbridge.e2e.WsClient;
import org.wsbridge.process.posix.LibC;

/** What every host of the library must get right when it stops: its bridged children end with it. */
final class HostShutdown {
    private HostShutdown() {
    }

    /**
     * Opens three sessions of bridge's program (which prints its pid) through host, closes host, and checks that
     * every child is gone, no session is left, and the JVM was not made a child subreaper.
     *
     * @param stopped how the host's end is named in a failure ("the context", "Tomcat")
     */
    static void closingEndsEveryChild(Bridge bridge, AutoCloseable host, Callable<WsClient> connect, String stopped)
            throws Exception {
        List<Integer> pids = new ArrayList<>();
        List<WsClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                WsClient client = connect.call();
                clients.add(client);
                pids.add(Integer.parseInt(client.nextText()));
            }
            assertEquals(3, bridge.activeSessions());
        } finally {
            host.close();
            clients.forEach(WsClient::close);
        }
        for (int pid : pids) {
            assertFalse(Files.exists(Path.of("/proc/" + pid)), "process " + pid + " outlived " + stopped);
        }
        assertEquals(0, bridge.activeSessions());
        assertFalse(LibC.isChildSubreaper(), "the library made the JVM a child subreaper");
    }
}
