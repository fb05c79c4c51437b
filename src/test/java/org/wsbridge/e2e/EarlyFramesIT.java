package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Bytes a client sends right behind its upgrade request, before it has seen the 101, belong to the WebSocket:
 * they reach the program, also while {@code --reverselookup} holds the 101 back (issue 12, item 5); behind a
 * refused upgrade they are the next HTTP request.
 */
class EarlyFramesIT {
    /** Sends the upgrade request and two frames in one write to a server running {@code cat}: all come back. */
    private static void earlyFramesComeBack(Wsbridge server) throws Exception {
        try (RawWs raw = new RawWs(server.port())) {
            raw.requestWithTexts(RawWs.upgradeRequest("/"), "early one", "early two");
            assertEquals(101, raw.readResponse().status());
            assertEquals("early one", raw.readFrame().text());
            assertEquals("early two", raw.readFrame().text());
            raw.text("later");
            assertEquals("later", raw.readFrame().text());
        }
    }

    @Test
    void framesSentWithTheRequestReachTheProgram() throws Exception {
        try (Wsbridge server = Wsbridge.start("cat")) {
            earlyFramesComeBack(server);
        }
    }

    @Test
    void framesSentWithTheRequestWaitForTheReverseLookup() throws Exception {
        // The lookup always answers in a later event-loop task, after the whole first read has been handled.
        try (Wsbridge server = Wsbridge.start("--reverselookup", "cat")) {
            earlyFramesComeBack(server);
            server.awaitLog(l -> l.contains("remote:'localhost.'") && l.endsWith("| CONNECT"), WsClient.TIMEOUT);
        }
    }

    @Test
    void aRequestBehindARefusedUpgradeIsAnswered() throws Exception {
        try (Wsbridge server = Wsbridge.start("cat");
             RawWs raw = new RawWs(server.port())) {
            String refused = RawWs.upgradeRequest("/").replace("Version: 13", "Version: 8");
            raw.write(refused + "GET /next HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertEquals(400, raw.readResponse().status());
            assertEquals(404, raw.readResponse().status());
        }
    }
}
