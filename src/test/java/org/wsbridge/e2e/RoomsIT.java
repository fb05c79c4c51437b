package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.wsbridge.testing.Poll;

/**
 * {@code --shared} and {@code --rooms} end to end: the real launcher, real shell programs, several real clients.
 * The program is src/test/resources/e2e/rooms/echo.sh ("hello ROOM PID", then every message to everyone) or
 * json.sh ({@code --framing=json}).
 */
class RoomsIT {
    private static final Duration WAIT = WsClient.TIMEOUT;
    private static final Pattern HELLO = Pattern.compile("hello (\\S+) (\\d+)");

    static String echo() {
        return Wsbridge.script("rooms/echo.sh");
    }

    /** Waits until {@code n} clients have joined a room in all (JOIN lines), so the next line reaches them. */
    static void awaitJoins(Wsbridge server, int n) {
        Poll.until(() -> count(server, "| JOIN") >= n, WAIT, () -> "fewer than " + n + " joins:\n"
                + String.join("\n", server.logLines()));
    }

    static long count(Wsbridge server, String suffix) {
        return server.logLines().stream().filter(l -> l.endsWith(suffix)).count();
    }

    static long pidOf(String hello) {
        Matcher m = HELLO.matcher(hello);
        assertTrue(m.matches(), hello);
        return Long.parseLong(m.group(2));
    }

    @Test
    void sharedSendsEveryLineToEveryClientAndEveryMessageToTheOneProgram() throws Exception {
        try (Wsbridge server = Wsbridge.start("--port=0", "--shared", echo());
             WsClient a = WsClient.connect(server.ws("/"))) {
            long pid = pidOf(a.nextText());
            try (WsClient b = WsClient.connect(server.ws("/x")); WsClient c = WsClient.connect(server.ws("/y"))) {
                awaitJoins(server, 3);
                a.send("one");
                a.expectText("shared: one"); // before c sends: two clients' messages have no order between them
                c.send("two");
                a.expectText("shared: two");
                for (WsClient client : List.of(b, c)) {
                    client.expectText("shared: one", "shared: two");
                }
                assertEquals(1, server.descendants().size(), "one program for all: " + server.descendants());
                assertTrue(server.descendants().stream().anyMatch(p -> p.pid() == pid));
            }
        }
    }

    @Test
    void roomsAreIsolatedAndTheProgramKnowsItsRoom() throws Exception {
        try (Wsbridge server = Wsbridge.start("--port=0", "--rooms", echo());
             WsClient a1 = WsClient.connect(server.ws("/lobby"));
             WsClient b = WsClient.connect(server.ws("/game/42"))) {
            assertTrue(a1.nextText().startsWith("hello lobby "));
            assertTrue(b.nextText().startsWith("hello game/42 "));
            try (WsClient a2 = WsClient.connect(server.ws("/lobby/"))) {
                awaitJoins(server, 3);
                a2.send("hi lobby");
                a1.expectText("lobby: hi lobby");
                a2.expectText("lobby: hi lobby");
                b.send("hi game");
                b.expectText("game/42: hi game"); // not the lobby's line
                a1.send("again");
                a1.expectText("lobby: again"); // not the game's line
                assertEquals(2, server.descendants().size());
            }
        }
    }

    @Test
    void aUrlNamingNoRoomIsRefused() throws Exception {
        try (Wsbridge server = Wsbridge.start("--port=0", "--rooms", echo()); RawWs raw = new RawWs(server.port())) {
            RawWs.Response response = raw.request(RawWs.upgradeRequest("/"));
            assertEquals(400, response.status());
            assertTrue(response.body().contains("no room named in the URL path"), response.body());
        }
    }

    @Test
    void withDirTheRoomFollowsTheScript() throws Exception {
        String dir = Wsbridge.basedir().resolve("src/test/resources/e2e/rooms").toString();
        try (Wsbridge server = Wsbridge.start("--port=0", "--rooms", "--dir=" + dir);
             WsClient a = WsClient.connect(server.ws("/echo.sh/red"))) {
            assertTrue(a.nextText().startsWith("hello red "));
        }
    }

    @Test
    void jsonFramingNamesTheClientsBothWays() throws Exception {
        try (Wsbridge server = Wsbridge.start("--port=0", "--rooms", "--framing=json",
                Wsbridge.script("rooms/json.sh"));
             WsClient a = WsClient.connect(server.ws("/r"))) {
            String joinA = a.nextText();
            assertTrue(joinA.startsWith("{\"event\":\"join\",\"id\":\""), joinA);
            assertTrue(joinA.contains("\"REMOTE_ADDR\":\"127.0.0.1\""), joinA);
            String idA = id(joinA);
            try (WsClient b = WsClient.connect(server.ws("/r"))) {
                String joinB = a.nextText();
                assertEquals(joinB, b.nextText());
                String idB = id(joinB);
                assertNotEquals(idA, idB);
                a.send("to " + idB + " psst");
                String event = "{\"event\":\"message\",\"id\":\"" + idA + "\",\"data\":\"to " + idB + " psst\"}";
                a.expectText(event);
                b.expectText(event, "psst");
                a.send("plain");
                a.expectText("{\"event\":\"message\",\"id\":\"" + idA + "\",\"data\":\"plain\"}"); // no "psst"
                a.send("close " + idB);
                WsClient.Event e;
                do {
                    e = b.next();
                } while (e instanceof WsClient.Text);
                assertEquals(new WsClient.Closed(4001, ""), e);
                Poll.until(() -> count(server, "| LEAVE") == 1, WAIT, server::stderr);
                a.nextText(); // the close message event
                assertEquals("{\"event\":\"leave\",\"id\":\"" + idB + "\"}", a.nextText());
            }
        }
    }

    private static String id(String join) {
        Matcher m = Pattern.compile("\"id\":\"([0-9a-f]+)\"").matcher(join);
        assertTrue(m.find(), join);
        return m.group(1);
    }

    @Test
    void replayGivesANewcomerTheLastLinesFirst() throws Exception {
        try (Wsbridge server = Wsbridge.start("--port=0", "--shared", "--replay=2", echo());
             WsClient a = WsClient.connect(server.ws("/"))) {
            a.nextText();
            a.send("1").send("2").send("3");
            a.expectText("shared: 1", "shared: 2", "shared: 3");
            try (WsClient b = WsClient.connect(server.ws("/"))) {
                b.expectText("shared: 2", "shared: 3");
                awaitJoins(server, 2);
                a.send("4");
                b.expectText("shared: 4");
            }
        }
    }

    @Test
    void theRoomEndsWhenItsLastClientLeavesAndItsProgramIsGone() throws Exception {
        try (Wsbridge server = Wsbridge.start("--port=0", "--rooms", echo())) {
            try (WsClient a = WsClient.connect(server.ws("/a"))) {
                pidOf(a.nextText());
                assertEquals(1, server.descendants().size());
                a.sendClose(1000, "");
            }
            server.awaitLog(l -> l.contains("room:'a'") && l.endsWith("ROOM END: its last client left"), WAIT);
            server.awaitNoChildren(WAIT);
        }
    }

    @Test
    void roomIdleKeepsTheRoomForALateComer() throws Exception {
        try (Wsbridge server = Wsbridge.start("--port=0", "--rooms", "--roomidle=60000", "--replay=1", echo())) {
            String hello;
            try (WsClient a = WsClient.connect(server.ws("/a"))) {
                hello = a.nextText();
                a.sendClose(1000, "");
            }
            Poll.until(() -> count(server, "| LEAVE") == 1, WAIT, server::stderr);
            try (WsClient b = WsClient.connect(server.ws("/a"))) {
                assertEquals(hello, b.nextText()); // replayed by the same program
                assertEquals(1, server.descendants().size());
            }
        }
    }

    @Test
    void maxRoomsRefusesAFurtherRoomWith503() throws Exception {
        try (Wsbridge server = Wsbridge.start("--port=0", "--rooms", "--maxrooms=1", echo())) {
            try (WsClient a = WsClient.connect(server.ws("/a")); RawWs raw = new RawWs(server.port())) {
                a.nextText();
                RawWs.Response response = raw.request(RawWs.upgradeRequest("/b"));
                assertEquals(503, response.status());
                assertTrue(response.body().contains("--maxrooms 1 reached"), response.body());
                try (WsClient a2 = WsClient.connect(server.ws("/a"))) {
                    awaitJoins(server, 2); // the same room is no new room
                }
            }
            server.awaitNoChildren(WAIT);
            try (WsClient b = WsClient.connect(server.ws("/b"))) {
                assertTrue(b.nextText().startsWith("hello b "));
            }
        }
    }

    @Test
    void theProgramsExitClosesEveryClientWithItsStatus() throws Exception {
        try (Wsbridge server = Wsbridge.start("--port=0", "--rooms", echo());
             WsClient a = WsClient.connect(server.ws("/ok")); WsClient b = WsClient.connect(server.ws("/ok"));
             WsClient c = WsClient.connect(server.ws("/bad")); WsClient d = WsClient.connect(server.ws("/bad"))) {
            a.nextText();
            c.nextText();
            awaitJoins(server, 4);
            a.send("exit 0");
            // b may or may not have joined before the hello line: whatever text came first, then the close
            assertEquals(new WsClient.Closed(1000, "exit status 0"), a.nextTexts().end());
            assertEquals(new WsClient.Closed(1000, "exit status 0"), b.nextTexts().end());
            d.send("exit 3");
            assertEquals(new WsClient.Closed(1011, "exit status 3"), c.nextTexts().end());
            assertEquals(new WsClient.Closed(1011, "exit status 3"), d.nextTexts().end());
            server.awaitNoChildren(WAIT);
        }
    }

    @Test
    void restartAlwaysStartsTheProgramAgainAndKeepsTheClients() throws Exception {
        try (Wsbridge server = Wsbridge.start("--port=0", "--shared", "--restart=always", echo());
             WsClient a = WsClient.connect(server.ws("/"))) {
            long first = pidOf(a.nextText());
            a.send("exit 1");
            long second = pidOf(a.nextText());
            assertNotEquals(first, second);
            server.awaitLog(l -> l.contains("status:'exit status 1'") && l.contains("restarting in 1000 ms"), WAIT);
            a.send("still here");
            a.expectText("shared: still here");
        }
    }

    @Test
    void eagerSharedProgramStartsWithTheServer() throws Exception {
        try (Wsbridge server = Wsbridge.start("--port=0", "--shared=eager", "--replay=1", echo())) {
            server.awaitLog(l -> l.endsWith("| ROOM START"), WAIT);
            assertEquals(1, server.descendants().size());
            try (WsClient a = WsClient.connect(server.ws("/"))) {
                assertTrue(a.nextText().startsWith("hello shared "));
                a.sendClose(1000, "");
            }
            Poll.until(() -> count(server, "| LEAVE") == 1, WAIT, server::stderr);
            assertEquals(1, server.descendants().size(), "an eager program outlives its clients");
        }
    }

    @Test
    void accessLogShowsJoinLeaveAndTheRoomsStartAndEnd() throws Exception {
        try (Wsbridge server = Wsbridge.start("--port=0", "--rooms", echo())) {
            try (WsClient a = WsClient.connect(server.ws("/hall"))) {
                a.nextText();
                a.sendClose(1000, "");
            }
            server.awaitLog(l -> l.endsWith("| ROOM END: its last client left"), WAIT);
            List<String> room = new ArrayList<>();
            for (String line : server.logLines()) {
                if (line.contains("room:'hall'") && line.contains("| ROOM") || line.endsWith("| JOIN")
                        || line.endsWith("| LEAVE")) {
                    room.add(line.substring(line.lastIndexOf("| ") + 2));
                }
            }
            assertEquals(List.of("ROOM START", "JOIN", "LEAVE", "ROOM END: its last client left"), room);
        }
    }

    /**
     * A client that stops reading (tiny receive buffer, never read) while the program writes bursts of 300 lines
     * of 1000 bytes: the reading client gets every line of every burst (each is under the 1 MiB queue), the stalled
     * one soon has a full queue, and {@code --slowclient} decides.
     */
    private static int stallOne(Wsbridge server, WsClient fast, String logged) {
        int burst = 0;
        for (; burst < 200 && server.logLines().stream().noneMatch(l -> l.contains(logged)); burst++) {
            fast.send("flood 300");
            for (int i = 0; i < 300; i++) {
                assertEquals(1000, fast.nextText().length());
            }
            fast.expectText("flooded"); // every line of the burst: the reading client lost nothing
        }
        server.awaitLog(l -> l.contains(logged), WAIT);
        return burst;
    }

    /** Reads the slow client's frames on a thread of its own until "shared: after" comes; counts the long lines. */
    private static Thread drain(RawWs slow, AtomicInteger lines, AtomicBoolean done) {
        Thread reader = new Thread(() -> {
            try {
                RawWs.Frame frame;
                while (!(frame = slow.readFrame()).text().equals("shared: after")) {
                    lines.addAndGet(frame.text().length() == 1000 ? 1 : 0);
                }
                done.set(true);
            } catch (IOException e) {
                // done stays false: the test fails below
            }
        }, "slow-reader");
        reader.start();
        return reader;
    }

    /** Sends "after" through the room until the slow client has received one (it was dropped while it was full). */
    private static void untilDrained(WsClient fast, AtomicBoolean done) {
        for (int i = 0; i < 2000 && !done.get(); i++) {
            fast.send("after");
            fast.expectText("shared: after");
        }
    }

    @Test
    void slowClientDropSkipsLinesForItAloneAndItCatchesUp() throws Exception {
        try (Wsbridge server = Wsbridge.start("--port=0", "--shared", echo());
             WsClient fast = WsClient.connect(server.ws("/")); RawWs slow = new RawWs(server.port(), 2048)) {
            fast.nextText();
            slow.write(RawWs.upgradeRequest("/"));
            assertEquals(101, slow.readResponse().status());
            awaitJoins(server, 2);
            int bursts = stallOne(server, fast, "Slow client: its queue is full, dropping lines for it"
                    + " (--slowclient=drop)");
            AtomicInteger lines = new AtomicInteger();
            AtomicBoolean done = new AtomicBoolean();
            Thread reader = drain(slow, lines, done);
            untilDrained(fast, done);
            reader.join(WAIT.toMillis());
            assertTrue(done.get(), "the slow client is still in the room and gets its lines again");
            assertTrue(lines.get() < bursts * 300, "it missed lines: got " + lines + " of " + bursts * 300);
            server.awaitLog(l -> l.contains("Slow client caught up"), WAIT);
        }
    }

    @Test
    void slowClientDisconnectClosesItAndTheRoomGoesOn() throws Exception {
        try (Wsbridge server = Wsbridge.start("--port=0", "--shared", "--slowclient=disconnect", echo());
             WsClient fast = WsClient.connect(server.ws("/")); RawWs slow = new RawWs(server.port(), 2048)) {
            fast.nextText();
            slow.write(RawWs.upgradeRequest("/"));
            assertEquals(101, slow.readResponse().status());
            awaitJoins(server, 2);
            stallOne(server, fast, "Slow client: its queue is full, disconnecting it (--slowclient=disconnect)");
            Poll.until(() -> count(server, "| LEAVE") == 1 && count(server, "| DISCONNECT") == 1, WAIT,
                    () -> String.join("\n", server.logLines()));
            fast.send("after");
            fast.expectText("shared: after");
            assertTrue(slow.awaitEof(), "the slow client's connection is closed");
        }
    }

    @Test
    void shutdownClosesEveryClientWith1001AndEndsEveryProgram() throws Exception {
        Wsbridge server = Wsbridge.start("--port=0", "--rooms", "--roomidle=60000", echo());
        try (server; WsClient a = WsClient.connect(server.ws("/a")); WsClient b = WsClient.connect(server.ws("/b"))) {
            a.nextText();
            b.nextText();
            assertEquals(2, server.descendants().size());
            assertEquals(0, server.stop(WAIT));
            assertEquals(1001, a.nextClose().code());
            assertEquals(1001, b.nextClose().code());
        } // close() checks that no process wsbridge ran is left
    }
}
