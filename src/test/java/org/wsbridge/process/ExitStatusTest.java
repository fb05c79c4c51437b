package org.wsbridge.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Decoding of raw wait statuses, as glibc's W* macros do. */
class ExitStatusTest {
    @Test
    void exitCodes() {
        ExitStatus ok = new ExitStatus(0);
        assertTrue(ok.exited());
        assertTrue(ok.success());
        assertFalse(ok.signalled());
        assertEquals("exit status 0", ok.describe());

        ExitStatus three = new ExitStatus(3 << 8);
        assertTrue(three.exited());
        assertFalse(three.success());
        assertEquals(3, three.exitCode());
        assertEquals("exit status 3", three.describe());
        assertEquals("exit status 255", new ExitStatus(255 << 8).describe());
    }

    @Test
    void signals() {
        ExitStatus term = new ExitStatus(15);
        assertTrue(term.signalled());
        assertFalse(term.exited());
        assertFalse(term.success());
        assertEquals(15, term.signal());
        assertEquals("signal TERM", term.describe());
        assertEquals("signal INT", new ExitStatus(2).describe());
        assertEquals("signal KILL", new ExitStatus(9).describe());
        assertEquals("signal SEGV", new ExitStatus(11 | 0x80).describe(), "core dumped");
        assertEquals("signal RTMIN+2", new ExitStatus(36).describe());
    }
}
