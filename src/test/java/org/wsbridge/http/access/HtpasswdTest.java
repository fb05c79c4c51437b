package org.wsbridge.http.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HtpasswdTest {
    private static final Path FILE = Path.of("/etc/htpasswd");
    /** A published bcrypt test vector (the empty password at cost 6). */
    private static final String EMPTY_2A = "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.";

    @Test
    void bcryptLinesOnly() {
        CredentialFile<Htpasswd> read = Htpasswd.parse(FILE, List.of("# c", "", "a:" + EMPTY_2A, "b:$apr1$x$y",
                "no colon", "a:" + EMPTY_2A.replace("$2a$", "$2y$"), "c:{SHA}x", ":" + EMPTY_2A));
        assertEquals(List.of(
                "/etc/htpasswd line 4: the hash of b is not bcrypt ($2y$, $2a$ or $2b$); make it with htpasswd -B",
                "/etc/htpasswd line 5: expected USER:HASH",
                "/etc/htpasswd line 6: a is listed twice; the first line counts",
                "/etc/htpasswd line 7: the hash of c is not bcrypt ($2y$, $2a$ or $2b$); make it with htpasswd -B",
                "/etc/htpasswd line 8: expected USER:HASH"), read.problems());
        assertEquals(Optional.of(EMPTY_2A), read.value().hashOf("a"));
        assertEquals(Optional.empty(), read.value().hashOf("b"));
    }

    @Test
    void matchesAPublishedVector() {
        assertTrue(Htpasswd.matches("", EMPTY_2A));
        assertFalse(Htpasswd.matches("x", EMPTY_2A));
        assertFalse(Htpasswd.matches("x".repeat(100), EMPTY_2A), "over 72 bytes: refused, not thrown");
    }
}
