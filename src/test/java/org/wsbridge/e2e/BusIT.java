package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wsbridge.testing.Poll;

/**
 * {@code --rooms --bus=redis://…}: several real wsbridge instances on one real Redis, clients on each. A room has one
 * child across all of them; its lines reach every client, every client's messages reach it, newcomers anywhere get
 * the replay, and when the instance running it is killed another one takes over without dropping anyone.
 */
class BusIT {
    private static final Duration TAKEOVER = Duration.ofSeconds(15);

    private RedisServer redis;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        redis.close();
    }

    private Wsbridge instance(String script, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("--rooms", "--bus=" + redis.url("/0?prefix=test:")));
        args.addAll(List.of(options));
        args.add(Wsbridge.script(script));
        Wsbridge w = Wsbridge.start(args.toArray(String[]::new));
        open.add(w);
        return w;
    }

    private WsClient client(Wsbridge w, String room) {
        WsClient c = WsClient.connect(w.ws("/" + room));
        open.add(c);
        return c;
    }

    /** Skips text messages until one matches; returns it. */
    private static String await(WsClient c, Predicate<String> match) {
        while (true) {
            String text = c.nextText();
            if (match.test(text)) {
                return text;
            }
        }
    }

    @Test
    void oneChildAndOneStreamForTheClientsOfEveryInstance() throws Exception {
        Wsbridge a = instance("room-echo.sh");
        Wsbridge b = instance("room-echo.sh");
        WsClient a1 = client(a, "lobby");
        await(a1, t -> t.startsWith("started "));
        // the room's first client on b, sending at once while b is still subscribing: its message is not lost
        WsClient b0 = client(b, "lobby");
        b0.send("right away");
        assertEquals("got right away", await(a1, t -> t.startsWith("got ")));
        // Back on b too before more clients join there: the line crosses Redis to b on its own time, and a client
        // seated before it arrives would rightly get it first.
        assertEquals("got right away", await(b0, t -> t.startsWith("got ")));
        WsClient b1 = client(b, "lobby");
        WsClient b2 = client(b, "lobby");
        awaitJoins(b, 3);

        a1.send("from a1");
        for (WsClient c : List.of(a1, b1, b2)) {
            assertEquals("got from a1", await(c, t -> t.startsWith("got ")));
        }
        b1.send("from b1");
        b2.send("from b2");
        // Each instance keeps its clients' order; the child's output order is the same for everyone.
        List<String> seen = List.of(a1.nextText(), a1.nextText());
        assertTrue(seen.containsAll(List.of("got from b1", "got from b2")), "a1 got " + seen);
        for (WsClient c : List.of(b1, b2)) {
            assertEquals(seen, List.of(c.nextText(), c.nextText()));
        }
        assertEquals(1, childCount(a, b), "one child for the room across both instances");
        assertTrue(b.descendants().isEmpty(), "the second instance runs no child: " + b.descendants());
    }

    /** Waits until {@code w} has seated {@code n} clients (its access log says JOIN). */
    private static void awaitJoins(Wsbridge w, int n) {
        Poll.until(() -> w.logLines().stream().filter(l -> l.contains("JOIN")).count() >= n, Duration.ofSeconds(10),
                () -> "fewer than " + n + " JOIN lines:\n" + String.join("\n", w.logLines()));
    }

    private static int childCount(Wsbridge... instances) {
        int n = 0;
        for (Wsbridge w : instances) {
            n += w.descendants().isEmpty() ? 0 : 1;
        }
        return n;
    }

    @Test
    void aNewcomerOnAnotherInstanceGetsTheReplayThenTheLiveLines() throws Exception {
        Wsbridge a = instance("room-echo.sh", "--replay=3");
        Wsbridge b = instance("room-echo.sh", "--replay=3");
        WsClient a1 = client(a, "news");
        await(a1, t -> t.startsWith("started "));
        for (int i = 1; i <= 5; i++) {
            a1.send("m" + i);
            assertEquals("got m" + i, a1.nextText());
        }
        WsClient b1 = client(b, "news");
        b1.expectText("got m3", "got m4", "got m5");
        awaitJoins(b, 1);
        a1.send("m6");
        b1.expectText("got m6");
        // a second newcomer on the same instance: the same replay, from that instance's memory
        WsClient b2 = client(b, "news");
        b2.expectText("got m4", "got m5", "got m6");
    }

    @Test
    void whenTheInstanceRunningTheChildDiesAnotherTakesOverWithoutDroppingItsClients() throws Exception {
        Wsbridge a = instance("room-ticker.sh");
        Wsbridge b = instance("room-ticker.sh");
        Wsbridge c = instance("room-ticker.sh");
        WsClient a1 = client(a, "game/42");
        String first = await(a1, t -> t.startsWith("started "));
        WsClient b1 = client(b, "game/42");
        WsClient c1 = client(c, "game/42");
        String oldPid = first.substring("started ".length());
        await(b1, t -> t.startsWith("tick " + oldPid + " "));
        await(c1, t -> t.startsWith("tick " + oldPid + " "));
        assertTrue(b.descendants().isEmpty() && c.descendants().isEmpty(), "only the first instance runs the child");

        a.kill(); // mid-stream

        String restartedB = awaitWithin(b1, t -> t.startsWith("started "));
        String restartedC = awaitWithin(c1, t -> t.startsWith("started "));
        assertEquals(restartedB, restartedC, "both see the same new child");
        String newPid = restartedB.substring("started ".length());
        assertNotEquals(oldPid, newPid);
        await(b1, t -> t.startsWith("tick " + newPid + " "));
        await(c1, t -> t.startsWith("tick " + newPid + " "));
        c1.send("still here");
        await(b1, t -> t.equals("got still here"));
        assertEquals(1, childCount(b, c), "exactly one surviving instance runs the new child");
    }

    @Test
    void anUnreachableRedisIsAStartupFailure() throws Exception {
        int nobody = Wsbridge.freePort();
        Wsbridge.Result result = Wsbridge.runToExit(List.of("--port=0", "--rooms",
                "--bus=redis://127.0.0.1:" + nobody, Wsbridge.script("room-echo.sh")), Duration.ofSeconds(60));
        assertEquals(1, result.exit(), result.toString());
        assertTrue(result.stdout().contains("FATAL") && result.stdout().contains("--bus: cannot reach Redis at "
                + "redis://127.0.0.1:" + nobody + "/0"), result.stdout());
        assertTrue(!result.stdout().contains("Starting WebSocket server"), "it must not serve: " + result.stdout());
    }

    @Test
    void whenRedisGoesAwayClientsStayAndTheRoomsJoinAgainWhenItIsBack() throws Exception {
        Wsbridge a = instance("room-echo.sh");
        Wsbridge b = instance("room-echo.sh");
        WsClient a1 = client(a, "lobby");
        await(a1, t -> t.startsWith("started "));
        WsClient b1 = client(b, "lobby");
        awaitJoins(b, 1);

        redis.kill();
        a.awaitLog(l -> l.contains("Lost the connection to Redis"), Duration.ofSeconds(10));
        a1.send("meanwhile"); // the instance running the child serves its own clients on its own
        assertEquals("got meanwhile", a1.nextText());

        redis.restart(); // empty: no lease, no presence, no members
        for (Wsbridge w : List.of(a, b)) {
            w.awaitLog(l -> l.contains("Connected to Redis"), Duration.ofSeconds(30));
        }
        // one instance holds the lease again and listens to the clients; both listen to the room's output
        try (RedisProbe probe = new RedisProbe(redis)) {
            Poll.until(() -> probe.subscribers("test:in:1:/lobby") == 1
                    && probe.subscribers("test:out:1:/lobby") == 2, Duration.ofSeconds(15),
                    () -> "the room did not settle on the new Redis");
        }
        b1.send("after");
        assertEquals("got after", await(a1, t -> t.startsWith("got after")));
        assertEquals("got after", await(b1, t -> t.startsWith("got after")));
        assertEquals(1, childCount(a, b), "one child again");
    }

    @Test
    void jsonFramingNamesAndAddressesTheClientsOfEveryInstanceAndANewChildMeetsThemAll() throws Exception {
        Wsbridge a = instance("rooms/json.sh", "--framing=json");
        Wsbridge b = instance("rooms/json.sh", "--framing=json");
        Wsbridge c = instance("rooms/json.sh", "--framing=json");
        WsClient a1 = client(a, "chat");
        String a1Id = id(await(a1, t -> t.contains("\"event\":\"join\"")));
        WsClient b1 = client(b, "chat");
        String b1Join = await(a1, t -> t.contains("\"event\":\"join\"") && !t.contains(a1Id));
        assertTrue(b1Join.contains("\"REMOTE_ADDR\":\"127.0.0.1\""), "the join carries the environment: " + b1Join);
        String b1Id = id(b1Join);
        WsClient c1 = client(c, "chat");
        String c1Id = id(await(a1, t -> t.contains("\"event\":\"join\"") && !t.contains(b1Id)));

        a1.send("to " + b1Id + " psst"); // the child, on a, addresses a client of b
        assertEquals("psst", await(b1, t -> !t.startsWith("{")));
        c1.send("to " + a1Id + " hi from c"); // a client of c, through Redis, to the child, to a client of a
        assertEquals("hi from c", await(a1, t -> !t.startsWith("{")));

        a.kill();
        // the new child on b or c is told of every client still there, and says so to the room
        Set<String> joined = new HashSet<>();
        while (!joined.containsAll(Set.of(b1Id, c1Id))) {
            String line = awaitWithin(b1, t -> t.contains("\"event\":\"join\""));
            assertTrue(!line.contains(a1Id), "a client of the dead instance joins the new child: " + line);
            joined.add(id(line));
        }
        c1.send("to " + b1Id + " still here");
        assertEquals("still here", await(b1, t -> !t.startsWith("{")));
    }

    /** The client id of a JSON event line. */
    private static String id(String event) {
        Matcher m = Pattern.compile("\"id\":\"([0-9a-f]+)\"").matcher(event);
        assertTrue(m.find(), "no id in " + event);
        return m.group(1);
    }

    /** Like {@link #await} but fails on a close: the survivors' clients must stay connected through a takeover. */
    private static String awaitWithin(WsClient c, Predicate<String> match) {
        long deadline = System.nanoTime() + TAKEOVER.toNanos();
        while (System.nanoTime() < deadline) {
            WsClient.Event e = c.next();
            String text = assertInstanceOf(WsClient.Text.class, e, "client dropped during the takeover: " + e).text();
            if (match.test(text)) {
                return text;
            }
        }
        throw new AssertionError("no takeover within " + TAKEOVER);
    }
}
