package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Which responses carry --header, --header-ws and --header-http (reference §4.2, acceptance cases 28-29, 46). */
class HeadersIT {
    @Test
    void eachHeaderOptionReachesItsResponses() throws Exception {
        try (Wsbridge server = Wsbridge.start("--header=X-A: 1", "--header-ws=X-W: 2", "--header-http=x-h: 3",
                "--maxforks=1", "cat")) {
            try (RawWs ws = new RawWs(server.port())) {
                RawWs.Response up = ws.request(RawWs.upgradeRequest("/"));
                assertEquals(101, up.status());
                assertEquals("1", up.header("X-A"));
                assertEquals("2", up.header("X-W"));
                assertNull(up.header("X-H"));
                try (RawWs plain = new RawWs(server.port())) {
                    RawWs.Response notFound = plain.request("GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
                    assertEquals(404, notFound.status());
                    assertEquals("1", notFound.header("X-A"));
                    assertEquals("3", notFound.header("X-H"));
                    assertNull(notFound.header("X-W"));
                }
                try (RawWs refused = new RawWs(server.port())) {
                    RawWs.Response r = refused.request(RawWs.upgradeRequest("/"));
                    assertEquals(429, r.status());
                    assertNull(r.header("X-A"));
                    assertNull(r.header("X-H"));
                }
            }
        }
    }

    @Test
    void headerWsCanSelectASubprotocol() throws Exception {
        try (Wsbridge server = Wsbridge.start("--header-ws=Sec-WebSocket-Protocol: chat", "cat");
             RawWs ws = new RawWs(server.port())) {
            RawWs.Response up = ws.request(RawWs.upgradeRequest("/", "Sec-WebSocket-Protocol: chat, superchat"));
            assertEquals("chat", up.header("Sec-WebSocket-Protocol"));
        }
    }
}
