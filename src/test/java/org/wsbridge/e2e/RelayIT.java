package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Messages in, lines out: the text and binary relay between a client and its process (SPEC §3). */
class RelayIT {
    @Test
    void echoesEachMessageAsOneLine() throws Exception {
        try (Wsbridge server = Wsbridge.start("cat"); WsClient ws = WsClient.connect(server.ws("/"))) {
            ws.send("hello").expectText("hello");
            ws.send("").expectText("");
            ws.send("a\nb\nc").expectText("a", "b", "c");
            ws.send("héllo ✓ 😀").expectText("héllo ✓ 😀");
        }
    }

    @Test
    void appendsExactlyOneNewlineToEachMessage() throws Exception {
        try (Wsbridge server = Wsbridge.start("sh", "-c", "head -c 6 | od -An -c");
             WsClient ws = WsClient.connect(server.ws("/"))) {
            ws.send("hello");
            assertEquals("h   e   l   l   o  \\n", ws.nextText().trim());
        }
    }

    @Test
    void stripsLineEndingsButKeepsLoneCarriageReturns() throws Exception {
        try (Wsbridge server = Wsbridge.start(Wsbridge.script("crlf.sh"));
             WsClient ws = WsClient.connect(server.ws("/"))) {
            ws.expectText("l1", "l2", "a\rb");
        }
    }

    @Test
    void deliversTheFinalLineWithoutNewline() throws Exception {
        try (Wsbridge server = Wsbridge.start(Wsbridge.script("partial.sh"));
             WsClient ws = WsClient.connect(server.ws("/"))) {
            ws.expectText("x", "y");
            assertEquals(1000, ws.nextClose().code());
        }
    }

    @Test
    void childMayWriteThroughDevStdoutAndDevStderr() throws Exception {
        try (Wsbridge server = Wsbridge.start(Wsbridge.script("devfiles.sh"));
             WsClient ws = WsClient.connect(server.ws("/"))) {
            ws.expectText("to stdout", "done");
            assertEquals(1000, ws.nextClose().code());
            server.awaitLog(l -> l.contains("| ERROR  | stderr") && l.endsWith("| to stderr"), WsClient.TIMEOUT);
        }
    }

    @Test
    void stderrIsLoggedNotSent() throws Exception {
        try (Wsbridge server = Wsbridge.start(Wsbridge.script("stderr-out.sh"));
             WsClient ws = WsClient.connect(server.ws("/"))) {
            ws.expectText("O");
            assertEquals(1000, ws.nextClose().code());
            server.awaitLog(l -> l.contains("| ERROR  | stderr") && l.endsWith("| E"), WsClient.TIMEOUT);
        }
    }

    @Test
    void passStderrTagsBothStreamsAsJson() throws Exception {
        try (Wsbridge server = Wsbridge.start("--passstderr", Wsbridge.script("stderr-out.sh"));
             WsClient ws = WsClient.connect(server.ws("/"))) {
            List<String> got = new ArrayList<>(List.of(ws.nextText(), ws.nextText()));
            got.sort(null);
            assertEquals(List.of("{\"stream\":\"stderr\",\"data\":\"E\"}", "{\"stream\":\"stdout\",\"data\":\"O\"}"),
                    got);
            assertEquals(1000, ws.nextClose().code());
            // As websocketd: what goes to the client is still logged.
            server.awaitLog(l -> l.contains("| ERROR  | stderr") && l.endsWith("| E"), WsClient.TIMEOUT);
        }
    }

    @Test
    void invalidUtf8OutputIsRepaired() throws Exception {
        try (Wsbridge server = Wsbridge.start(Wsbridge.script("invalid-utf8.sh"));
             WsClient ws = WsClient.connect(server.ws("/"))) {
            ws.expectText("bad \uFFFD byte", "ok é");
        }
    }

    @Test
    void binaryModeRoundTripsTwoMebibytesWithoutDeadlock() throws Exception {
        byte[] data = new byte[2 << 20];
        new java.util.Random(42).nextBytes(data);
        try (Wsbridge server = Wsbridge.start("--binary", "--maxframesize=0", "cat");
             WsClient ws = WsClient.connect(server.ws("/"))) {
            ws.sendBinary(data);
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            while (got.size() < data.length) {
                got.writeBytes(ws.nextBinary());
            }
            assertArrayEquals(data, got.toByteArray());
        }
    }

    @Test
    void binaryModeReturnsWhatCatWroteInOnePieceAsOneMessage() throws Exception {
        java.util.Random random = new java.util.Random(7);
        try (Wsbridge server = Wsbridge.start("--binary", "cat"); WsClient ws = WsClient.connect(server.ws("/"))) {
            // Small messages first: they teach the reader to expect small output.
            for (int size : new int[] {4, 4, 4, 1_000, 10_000, 60_000, 1_000}) {
                byte[] data = new byte[size];
                random.nextBytes(data);
                ws.sendBinary(data);
                byte[] got = ws.nextBinary();
                assertEquals(size, got.length, "one message of " + size + " bytes");
                assertArrayEquals(data, got);
            }
        }
    }

    @Test
    void binaryModeWritesBytesRawAndDropsText() throws Exception {
        try (Wsbridge server = Wsbridge.start("--binary", "cat"); WsClient ws = WsClient.connect(server.ws("/"))) {
            ws.send("dropped");
            ws.sendBinary(new byte[] {0, 1, (byte) 0xFF, (byte) 0xFE});
            assertArrayEquals(new byte[] {0, 1, (byte) 0xFF, (byte) 0xFE}, ws.nextBinary());
        }
    }

    @Test
    void textModeDropsBinaryMessages() throws Exception {
        try (Wsbridge server = Wsbridge.start("cat"); WsClient ws = WsClient.connect(server.ws("/"))) {
            ws.sendBinary(new byte[] {'b', 'i', 'n'});
            ws.send("t").expectText("t");
        }
    }

    @Test
    void largeTextLineArrivesAsOneMessage() throws Exception {
        String big = "x".repeat(900_000);
        try (Wsbridge server = Wsbridge.start("cat"); WsClient ws = WsClient.connect(server.ws("/"))) {
            ws.send(big);
            assertEquals(big, ws.nextText());
        }
    }

    @Test
    void overlongLinesAreSplitAtMaxLineSize() throws Exception {
        try (Wsbridge server = Wsbridge.start("--maxlinesize=4", "cat");
             WsClient ws = WsClient.connect(server.ws("/"))) {
            ws.send("abcdefghij").expectText("abcd", "efgh", "ij");
        }
    }

    @Test
    void eachConnectionGetsItsOwnProcess() throws Exception {
        try (Wsbridge server = Wsbridge.start(Wsbridge.script("pid.sh"));
             WsClient a = WsClient.connect(server.ws("/")); WsClient b = WsClient.connect(server.ws("/"))) {
            assertNotEquals(a.nextText(), b.nextText());
            a.send("to a").expectText("to a");
            b.send("to b").expectText("to b");
        }
    }

    @Test
    void childInheritsOnlyStdioAndDefaultSignals() throws Exception {
        try (Wsbridge server = Wsbridge.start(Wsbridge.script("fds.sh"));
             WsClient ws = WsClient.connect(server.ws("/"))) {
            List<String> fds = ws.nextTexts().texts();
            // ls itself opens one descriptor to read the directory.
            assertTrue(fds.size() <= 4 && fds.containsAll(List.of("0", "1", "2")), "child fds: " + fds);
        }
        try (Wsbridge server = Wsbridge.start(Wsbridge.script("sigmask.sh"));
             WsClient ws = WsClient.connect(server.ws("/"))) {
            assertEquals("SigBlk:\t0000000000000000", ws.nextText());
            assertEquals("SigIgn:\t0000000000000000", ws.nextText());
        }
    }

    @Test
    void outputPrintedBeforeTheUpgradeIsKept() throws Exception {
        try (Wsbridge server = Wsbridge.start("sh", "-c", "echo first; exec cat");
             WsClient ws = WsClient.connect(server.ws("/"))) {
            ws.expectText("first");
            ws.send("then").expectText("then");
        }
    }

    @Test
    void twoHundredConcurrentSessionsDoNotCrossTalk() throws Exception {
        try (Wsbridge server = Wsbridge.start("cat")) {
            List<WsClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    clients.add(WsClient.connect(server.ws("/")));
                }
                for (int i = 0; i < clients.size(); i++) {
                    clients.get(i).send("client " + i);
                }
                for (int i = 0; i < clients.size(); i++) {
                    assertEquals("client " + i, clients.get(i).nextText());
                }
            } finally {
                clients.forEach(WsClient::close);
            }
            server.awaitNoChildren(Duration.ofSeconds(10));
        }
    }
}
