package org.wsbridge.http.access;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * The users of {@code --auth-basic}: an htpasswd file of {@code user:hash} lines, where the hash is bcrypt
 * ({@code $2y$}, {@code $2a$} or {@code $2b$}, as {@code htpasswd -B} writes it) or SHA-crypt ({@code $5$}
 * SHA-256 or {@code $6$} SHA-512, as {@code openssl passwd -5/-6}, {@code mkpasswd} and glibc's crypt(3) write
 * it); blank lines and {@code #} comments are ignored. Other hash kinds (MD5 {@code $apr1$} and {@code $1$},
 * {@code {SHA}}, DES crypt, plain text) are too weak or too fast to guess at and are refused, line by line.
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
            if (!isBcrypt(hash) && !isShaCrypt(hash)) {
                problems.add(where + "the hash of " + Presented.printable(user) + " is neither bcrypt ($2y$, $2a$"
                        + " or $2b$) nor SHA-crypt ($5$ or $6$); make it with htpasswd -B or openssl passwd -6");
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

    /**
     * The hash of some listed user, to check an unknown user's password against: then a wrong user name takes as
     * long as a wrong password, whatever kind of hash the file uses.
     */
    Optional<String> anyHash() {
        return hashes.values().stream().findAny();
    }

    /**
     * Slow on purpose (bcrypt, about 50-100 ms at cost 10; SHA-crypt 5,000 rounds or more, a few ms): never call
     * it on an event loop. The computed and stored hashes are compared in constant time.
     */
    static boolean matches(String password, String hash) {
        if (hash.startsWith("$5$") || hash.startsWith("$6$")) {
            byte[] key = password.getBytes(StandardCharsets.UTF_8);
            String computed = hash.startsWith("$5$")
                    ? Sha2Crypt.sha256Crypt(key, hash) : Sha2Crypt.sha512Crypt(key, hash);
            return MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII),
                    hash.getBytes(StandardCharsets.US_ASCII));
        }
        try {
            return BCrypt.checkpw(password, hash);
        } catch (IllegalArgumentException e) {
            return false; // a password over bcrypt's 72 bytes, or a hash bcrypt cannot read
        }
    }

    /**
     * {@code $5$} or {@code $6$}, optional {@code rounds=N$} (1000 to 999,999,999), a salt of up to 16 characters,
     * then 43 (SHA-256) or 86 (SHA-512) characters of hash, all in crypt's base64 alphabet.
     */
    private static boolean isShaCrypt(String hash) {
        return hash.matches("\\$5\\$(rounds=[1-9][0-9]{3,8}\\$)?[./A-Za-z0-9]{1,16}\\$[./A-Za-z0-9]{43}")
                || hash.matches("\\$6\\$(rounds=[1-9][0-9]{3,8}\\$)?[./A-Za-z0-9]{1,16}\\$[./A-Za-z0-9]{86}");
    }

    private static boolean isBcrypt(String hash) {
        // $2x$NN$ then 22 characters of salt and 31 of hash, in bcrypt's base64 alphabet.
        return hash.matches("\\$2[aby]\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}");
    }
}
