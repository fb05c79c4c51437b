package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The launcher as a user runs it: exit codes and where messages go (SPEC §1). */
class CommandLineIT {
    private static final Duration QUICK = Duration.ofSeconds(20);

    @Test
    void helpGoesToStdoutAndExitsZero() throws Exception {
        Wsbridge.Result r = Wsbridge.runToExit(List.of("--help"), QUICK);
        assertEquals(0, r.exit());
        assertTrue(r.stdout().contains("--port") && r.stdout().contains("--ssl"), r.stdout());
    }

    @Test
    void versionGoesToStdout() throws Exception {
        Wsbridge.Result r = Wsbridge.runToExit(List.of("--version"), QUICK);
        assertEquals(0, r.exit());
        assertTrue(r.stdout().startsWith("wsbridge "), r.stdout());
        assertTrue(r.stdout().contains(" (websocketd 0.5.0 compatible; java "), r.stdout());
        assertEquals(1, r.stdout().lines().count(), r.stdout());
    }

    @Test
    void noArgumentsIsExit1() throws Exception {
        assertEquals(1, Wsbridge.runToExit(List.of(), QUICK).exit());
    }

    @Test
    void unknownOptionIsExit2AndNamed() throws Exception {
        Wsbridge.Result r = Wsbridge.runToExit(List.of("--nosuch", "cat"), QUICK);
        assertEquals(2, r.exit());
        assertTrue(r.stderr().contains("nosuch"), r.stderr());
    }

    @Test
    void missingCommandIsExit1() throws Exception {
        Wsbridge.Result r = Wsbridge.runToExit(List.of("/no/such/program"), QUICK);
        assertEquals(1, r.exit());
        assertTrue(r.stderr().contains("unable to locate specified COMMAND"), r.stderr());
    }

    @Test
    void portInUseIsExit3WithTheReason() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Wsbridge.Result r = Wsbridge.runToExit(List.of("--port=" + taken.getLocalPort(),
                    "--address=127.0.0.1", "cat"), QUICK);
            assertEquals(3, r.exit());
            assertTrue(r.stdout().contains("FATAL") && r.stdout().contains("bind: address already in use"),
                    r.stdout());
        }
    }
}
