package org.wsbridge.http.access;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * The users of {@code --auth-basic}: an htpasswd file of {@code user:hash} lines, where the hash is bcrypt
 * ({@code $2y$}, {@code $2a$} or {@code $2b$}, as {@code htpasswd -B} writes it); blank lines and {@code #}
 * comments are ignored. Other hash kinds (MD5 {@code $apr1$}, {@code {SHA}}, crypt, plain text) are too weak or
 * too fast to guess at and are refused, line by line.
 */
final class Htpasswd {
    private final Map<String, String> hashes;

    private Htpasswd(Map<String, String> hashes) {
        this.hashes = Map.copyOf(hashes);
    }

    static CredentialFile<Htpasswd> parse(Path file, List<String> lines) {
        Map<String, String> hashes = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1) + ": ";
            int colon = line.indexOf(':');
            if (colon <= 0) {
                problems.add(where + "expected USER:HASH");
                continue;
            }
            String user = line.substring(0, colon);
            String hash = line.substring(colon + 1);
            if (!isBcrypt(hash)) {
                problems.add(where + "the hash of " + Presented.printable(user) + " is not bcrypt ($2y$, $2a$ or"
                        + " $2b$); make it with htpasswd -B");
                continue;
            }
            if (hashes.putIfAbsent(user, hash) != null) {
                problems.add(where + Presented.printable(user) + " is listed twice; the first line counts");
            }
        }
        return new CredentialFile<>(new Htpasswd(hashes), problems);
    }

    /** The stored hash of {@code user}, if the file lists it. */
    Optional<String> hashOf(String user) {
        return Optional.ofNullable(hashes.get(user));
    }

    boolean isEmpty() {
        return hashes.isEmpty();
    }

    /** Slow on purpose (bcrypt, about 50-100 ms at cost 10): never call it on an event loop. */
    static boolean matches(String password, String hash) {
        try {
            return BCrypt.checkpw(password, hash);
        } catch (IllegalArgumentException e) {
            return false; // a password over bcrypt's 72 bytes, or a hash bcrypt cannot read
        }
    }

    private static boolean isBcrypt(String hash) {
        // $2x$NN$ then 22 characters of salt and 31 of hash, in bcrypt's base64 alphabet.
        return hash.matches("\\$2[aby]\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}");
    }
}
