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

    // Made by `openssl passwd -5 -salt saltsalt 'correct horse'` and `openssl passwd -6 -salt abcdefgh 'pässwörd'`.
    private static final String SHA256 = "$5$saltsalt$myjXcpMpE2Ofk7fj9hqyNYSn6lmWG4Mqnjx.KIRRr4/";
    private static final String SHA512 = "$6$abcdefgh$qlUjQo8xiC5dmwOr49rtm.DQdv9onQYoWr0dgDR2SqMkw1296.hIZnRd/ltg71cpf"
            + "DQGxCw0Bli1kXypCoIxg0";
    // glibc's crypt(3) with explicit rounds (openssl passwd cannot set them).
    private static final String SHA256_ROUNDS = "$5$rounds=10000$saltsalt$zoVzFxtD/FUIWmi1BdjqRCHLUq8RVIwaCrFcb2X8/B9";
    private static final String SHA512_ROUNDS = "$6$rounds=1000$0123456789abcdef$GaScwcscdzvyk7gzZmxXAHiJAYBdSzwVcph"
            + "grsQJGOjgOegLlrTs5rVDD6z0u4r1gcbw2MjFIR1AQnAH5uLeW0";

    @Test
    void shaCryptEntriesAreReadAndChecked() {
        CredentialFile<Htpasswd> read = Htpasswd.parse(FILE, List.of("five:" + SHA256, "six:" + SHA512,
                "r5:" + SHA256_ROUNDS, "r6:" + SHA512_ROUNDS, "md5:$1$saltsalt$qjXMvbEw8oaL.CzflDugX/",
                "short:$5$saltsalt$myjXcpMpE2Ofk7fj9hqyNYSn6lmWG4Mqnjx",
                "few:$5$rounds=999$saltsalt$" + "a".repeat(43)));
        assertEquals(List.of("md5", "short", "few"), read.problems().stream()
                .map(p -> p.replaceFirst("^/etc/htpasswd line \\d+: the hash of (\\w+) .*", "$1")).toList());
        assertEquals(Optional.of(SHA512), read.value().hashOf("six"));

        assertTrue(Htpasswd.matches("correct horse", SHA256));
        assertFalse(Htpasswd.matches("correct horsE", SHA256));
        assertFalse(Htpasswd.matches("", SHA256));
        assertTrue(Htpasswd.matches("pässwörd", SHA512), "UTF-8, as browsers send it with charset=UTF-8");
        assertFalse(Htpasswd.matches("passwort", SHA512));
        assertTrue(Htpasswd.matches("correct horse", SHA256_ROUNDS));
        assertTrue(Htpasswd.matches("correct horse", SHA512_ROUNDS));
        assertFalse(Htpasswd.matches("correct horse", SHA256_ROUNDS.replace("10000", "10001")));
    }

    @Test
    void otherHashKindsAreRefused() {
        CredentialFile<Htpasswd> read = Htpasswd.parse(FILE, List.of("# c", "", "a:" + EMPTY_2A, "b:$apr1$x$y",
                "no colon", "a:" + EMPTY_2A.replace("$2a$", "$2y$"), "c:{SHA}x", ":" + EMPTY_2A));
        assertEquals(List.of(
                "/etc/htpasswd line 4: the hash of b is neither bcrypt ($2y$, $2a$ or $2b$) nor SHA-crypt ($5$ or "
                        + "$6$); make it with htpasswd -B or openssl passwd -6",
                "/etc/htpasswd line 5: expected USER:HASH",
                "/etc/htpasswd line 6: a is listed twice; the first line counts",
                "/etc/htpasswd line 7: the hash of c is neither bcrypt ($2y$, $2a$ or $2b$) nor SHA-crypt ($5$ or "
                        + "$6$); make it with htpasswd -B or openssl passwd -6",
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
