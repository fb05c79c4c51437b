package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** SIGTERM: every session closed with 1001, every child ended, exit 0 (SPEC §4). */
class ShutdownIT {
    @Test
    void sigtermClosesSessionsEndsChildrenAndExitsZero() throws Exception {
        Wsbridge server = Wsbridge.start("--closems=0", Wsbridge.script("ladder.sh"));
        try (server; WsClient a = WsClient.connect(server.ws("/?/dev/null"));
             WsClient b = WsClient.connect(server.ws("/?/dev/null"))) {
            a.nextText();
            b.nextText();
            assertEquals(2, server.descendants().size());
            assertEquals(0, server.stop(Duration.ofSeconds(10)));
            assertEquals(1001, a.nextClose().code());
            assertEquals(1001, b.nextClose().code());
        }
    }
}
