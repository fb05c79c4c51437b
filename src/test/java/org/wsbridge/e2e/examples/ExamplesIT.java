package org.wsbridge.e2e.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.wsbridge.deploy.ExternalCommand;
import org.wsbridge.e2e.Wsbridge;
import org.wsbridge.e2e.WsClient;

/** Every program in examples/ runs through wsbridge and does what examples/README.md says it does. */
class ExamplesIT {
    private static final Duration GONE = Duration.ofSeconds(5);

    static String example(String relative) {
        return Wsbridge.basedir().resolve("examples").resolve(relative).toString();
    }

    /** Skips the test, naming what is missing, when the example's interpreter is not installed. */
    static void assumeInstalled(String interpreter, String example) {
        assumeTrue(ExternalCommand.find(interpreter).isPresent(),
                interpreter + " is not installed: skipping " + example);
    }

    /** Reads dump-env.sh's NAME=VALUE lines up to its close, which must be the 1000 of a program exiting 0. */
    static Map<String, String> dumpedEnvironment(WsClient connection) {
        try (WsClient ws = connection) {
            WsClient.Texts dump = ws.nextTexts();
            assertEquals(1000, assertInstanceOf(WsClient.Closed.class, dump.end(), "the end of the list").code());
            return dump.environment();
        }
    }

    static Stream<Arguments> greeters() {
        return Stream.of(
                Arguments.of("bash", List.of(example("bash/greeter.sh"))),
                Arguments.of("python3", List.of(example("python/greeter.py"))),
                Arguments.of("perl", List.of(example("perl/greeter.pl"))),
                Arguments.of("node", List.of(example("nodejs/greeter.js"))),
                Arguments.of("ruby", List.of(example("ruby/greeter.rb"))),
                Arguments.of("java", List.of("java", example("java/Greeter.java"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("greeters")
    void greeterAnswersEachLineAtOnceAndEndsWithTheClient(String interpreter, List<String> command) throws Exception {
        assumeInstalled(interpreter, String.join(" ", command));
        try (Wsbridge server = Wsbridge.start(command.toArray(String[]::new))) {
            try (WsClient ws = WsClient.connect(server.ws("/"))) {
                // One answer per message, before the next is sent: the example flushes every line.
                ws.send("World");
                assertEquals("Hello World!", ws.nextText());
                ws.send("Wörld ✓");
                assertEquals("Hello Wörld ✓!", ws.nextText());
                ws.send("");
                assertEquals("Hello !", ws.nextText());
                ws.sendClose(1000, "bye");
                assertEquals(1000, ws.nextClose().code());
            }
            server.awaitNoChildren(GONE);
        }
    }

    @Test
    void countSendsOneToTenThenClosesNormally() throws Exception {
        try (Wsbridge server = Wsbridge.start(example("bash/count.sh"));
             WsClient ws = WsClient.connect(server.ws("/"))) {
            for (int i = 1; i <= 10; i++) {
                assertEquals(Integer.toString(i), ws.nextText());
            }
            assertEquals(1000, ws.nextClose().code());
        }
    }

    @Test
    void dumpEnvShowsTheConnectionsEnvironment() throws Exception {
        try (Wsbridge server = Wsbridge.start(example("bash/dump-env.sh"))) {
            Map<String, String> env = dumpedEnvironment(WsClient.connect(server.ws("/some/path?a=1"),
                    Map.of("X-Example", "yes")));
            assertEquals("/some/path", env.get("PATH_INFO"));
            assertEquals("a=1", env.get("QUERY_STRING"));
            assertEquals("127.0.0.1", env.get("REMOTE_ADDR"));
            assertEquals("CGI/1.1", env.get("GATEWAY_INTERFACE"));
            assertEquals("yes", env.get("HTTP_X_EXAMPLE"));
            assertEquals("<unset>", env.get("HTTPS"));
            assertTrue(env.get("SERVER_SOFTWARE").startsWith("wsbridge/"), env.get("SERVER_SOFTWARE"));
        }
    }

    @Test
    void chatRelaysEveryLineToEveryoneAndLeavesNoTailBehind(@TempDir Path room) throws Exception {
        try (Wsbridge server = Wsbridge.start(Map.of("CHAT_DIR", room.toString()), "--passenv=PATH,CHAT_DIR",
                example("bash/chat.sh"))) {
            try (WsClient alice = WsClient.connect(server.ws("/"))) {
                alice.nextText();                                   // the welcome
                alice.send("alice");
                assertEquals("* alice joined", alice.nextText());   // alice's tail is running from here on
                try (WsClient bob = WsClient.connect(server.ws("/"))) {
                    bob.nextText();
                    bob.send("bob");
                    assertEquals("* bob joined", bob.nextText());
                    assertEquals("* bob joined", alice.nextText());
                    bob.send("hi everyone");
                    assertEquals("bob: hi everyone", bob.nextText());
                    assertEquals("bob: hi everyone", alice.nextText());
                    alice.send("hi bob");
                    assertEquals("alice: hi bob", alice.nextText());
                    assertEquals("alice: hi bob", bob.nextText());
                    assertTrue(server.descendants().stream().anyMatch(p -> p.command().equals("tail")),
                            "each client has its background tail: " + server.descendants());
                    bob.sendClose(1000, "bye");
                    assertEquals(1000, bob.nextClose().code());
                }
                assertEquals("* bob left", alice.nextText());
                alice.sendClose(1000, "bye");
                assertEquals(1000, alice.nextClose().code());
            }
            // wsbridge ended each connection's whole process group: the scripts and their background tails.
            server.awaitNoChildren(GONE);
        }
    }

    @Test
    void cgiScriptAnswersPlainHttp() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgidir=" + example("cgi-bin"), example("bash/greeter.sh"))) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> hello = http.send(HttpRequest.newBuilder(
                    server.http("/hello.sh?name=W%C3%B6rld+and+all")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, hello.statusCode(), hello.body());
            assertEquals("text/plain; charset=utf-8", hello.headers().firstValue("Content-Type").orElse(""));
            assertEquals("Hello Wörld and all!\n", hello.body());
            HttpResponse<String> nobody = http.send(HttpRequest.newBuilder(server.http("/hello.sh")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, nobody.statusCode(), nobody.body());
        }
    }

    @Test
    void echoPageIsServedBesideTheEchoItTalksTo() throws Exception {
        try (Wsbridge server = Wsbridge.start("--staticdir=" + example("html"), "cat")) {
            HttpResponse<String> page = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(server.http("/echo.html")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("new WebSocket(url)"), page.body());
            // The endpoint the page connects to when served this way: ws://<same host and port>/.
            try (WsClient ws = WsClient.connect(server.ws("/"))) {
                ws.send("echo me");
                assertEquals("echo me", ws.nextText());
            }
        }
    }

    @Test
    void roomsChatGreetsNamesAndAnnouncesInItsRoomOnly() throws Exception {
        assumeInstalled("python3", "rooms/chat.py");
        try (Wsbridge server = Wsbridge.start("--port=0", "--rooms", "--framing=json", "--replay=20",
                example("rooms/chat.py"));
             WsClient a = WsClient.connect(server.ws("/lobby"))) {
            assertTrue(a.nextText().startsWith("Welcome to lobby, guest-"));
            String aJoined = a.nextText();
            assertTrue(aJoined.matches("\\* guest-\\w+ joined"), aJoined);
            try (WsClient b = WsClient.connect(server.ws("/lobby")); WsClient other = WsClient.connect(
                    server.ws("/kitchen"))) {
                assertEquals(aJoined, b.nextText()); // the replay: broadcast lines only, not a's welcome
                assertTrue(b.nextText().startsWith("Welcome to lobby, guest-"));
                String bJoined = b.nextText();
                assertEquals(bJoined, a.nextText());
                assertTrue(other.nextText().startsWith("Welcome to kitchen, guest-"));
                a.send("/nick ann");
                String renamed = aJoined.replace(" joined", " is now ann");
                a.expectText(renamed);
                b.expectText(renamed);
                a.send("hi");
                a.expectText("<ann> hi");
                b.expectText("<ann> hi");
                b.sendClose(1000, "");
                a.expectText(bJoined.replace(" joined", " left"));
                other.nextText(); // its own "joined" line, and nothing of the lobby's
                other.send("x");
                assertTrue(other.nextText().endsWith("> x"));
            }
        }
    }

    @Test
    void dashboardFollowsItsFileForEveryViewerAndReplaysTheLastLines(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("dashboard.log");
        try (Wsbridge server = Wsbridge.start(Map.of("DASHBOARD_LOG", log.toString()), "--port=0", "--shared=eager",
                "--replay=2", "--passenv=PATH,DASHBOARD_LOG", example("rooms/dashboard.sh"))) {
            server.awaitLog(l -> l.endsWith("| ROOM START"), WsClient.TIMEOUT);
            try (WsClient a = WsClient.connect(server.ws("/"))) {
                server.awaitLog(l -> l.endsWith("| JOIN"), WsClient.TIMEOUT);
                // tail -F starts at the end of the file: write once it has the file open
                org.wsbridge.testing.Poll.until(() -> server.descendants().stream().anyMatch(p -> opened(p.pid(), log)),
                        WsClient.TIMEOUT, () -> "tail never opened " + log);
                java.nio.file.Files.writeString(log, "one\n", java.nio.file.StandardOpenOption.APPEND);
                a.expectText("one");
                java.nio.file.Files.writeString(log, "two\nthree\n", java.nio.file.StandardOpenOption.APPEND);
                a.expectText("two", "three");
                try (WsClient b = WsClient.connect(server.ws("/"))) {
                    b.expectText("two", "three");
                }
            }
        }
    }

    /** True when process {@code pid} has {@code file} open. */
    private static boolean opened(long pid, Path file) {
        try (Stream<Path> fds = java.nio.file.Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return java.nio.file.Files.readSymbolicLink(fd).equals(file);
                } catch (java.io.IOException e) {
                    return false;
                }
            });
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
