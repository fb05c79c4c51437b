package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** No thread per connection or per process, and no JDK process machinery in wsbridge's JVM (SPEC §7). */
class ThreadsIT {
    private static List<String> threads(long pid) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    names.add(Files.readString(task.resolve("comm")).trim());
                } catch (IOException gone) {
                    // the thread ended while we listed them
                }
            }
        }
        return names;
    }

    @Test
    void threadCountDoesNotGrowWithSessions() throws Exception {
        try (Wsbridge server = Wsbridge.start("cat")) {
            try (WsClient one = WsClient.connect(server.ws("/"))) {
                one.send("warm").expectText("warm");
            }
            server.awaitNoChildren(Duration.ofSeconds(5));
            int before = threads(server.pid()).size();
            List<WsClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    clients.add(WsClient.connect(server.ws("/")));
                    clients.get(i).send("m" + i);
                }
                for (int i = 0; i < clients.size(); i++) {
                    clients.get(i).expectText("m" + i);
                }
                List<String> during = threads(server.pid());
                assertEquals(100, server.descendants().size());
                // The JVM's own threads vary a little (JIT, GC helpers); a thread per session would add 100.
                assertFalse(during.size() > before + 5, "threads with 100 sessions: " + during);
                assertFalse(during.contains("process reaper"),
                        "the JDK's process reaper must not run beside wsbridge's: " + during);
            } finally {
                clients.forEach(WsClient::close);
            }
            server.awaitNoChildren(Duration.ofSeconds(10));
        }
    }
}
