package org.wsbridge.http.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenFileTest {
    private static final Path FILE = Path.of("/etc/tokens");

    @Test
    void plainAndHashedLinesWithAndWithoutNames() {
        String hashed = HexFormat.of().formatHex(TokenFile.sha256("hidden"));
        CredentialFile<TokenFile> read = TokenFile.parse(FILE, List.of("# comment", "", "  open  alice ",
                "SHA256:" + hashed.toUpperCase(), "sha256:" + hashed + " bob"));
        assertEquals(List.of(), read.problems());
        assertEquals(Optional.of("alice"), read.value().match("open"));
        assertEquals(Optional.of("token-" + hashed.substring(0, 8)), read.value().match("hidden"),
                "the first matching line wins");
        assertEquals(Optional.empty(), read.value().match("Open"));
        assertEquals(Optional.empty(), read.value().match("sha256:" + hashed), "a hash is not a token");
    }

    @Test
    void unusableLinesAreNamedAndLeftOut() {
        CredentialFile<TokenFile> read = TokenFile.parse(FILE, List.of("good", "sha256:12", "a b c", "t na'me"));
        assertEquals(List.of("/etc/tokens line 2: sha256: must be followed by 64 hex digits",
                "/etc/tokens line 3: expected TOKEN or sha256:HEX, then at most a NAME",
                "/etc/tokens line 4: a NAME has 1 to 64 letters, digits or . _ @ + -"), read.problems());
        assertTrue(read.value().match("good").isPresent());
        assertTrue(TokenFile.parse(FILE, List.of()).value().isEmpty());
    }
}
