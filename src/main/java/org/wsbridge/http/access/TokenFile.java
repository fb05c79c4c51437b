package org.wsbridge.http.access;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The bearer tokens of {@code --auth-token}: one a line, {@code TOKEN [NAME]} or {@code sha256:HEX [NAME]} (the
 * SHA-256 of the token, so the file need not hold the secret); blank lines and {@code #} comments are ignored.
 * NAME becomes REMOTE_USER; without one, {@code token-} and the first 8 hex digits of the token's SHA-256.
 * Only SHA-256 digests are kept and compared, each in constant time, and every entry is compared.
 */
final class TokenFile {
    static final String HASH_PREFIX = "sha256:";
    private static final Pattern HEX_DIGEST = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@+-]{1,64}");

    private record Entry(byte[] digest, String name) {
    }

    private final List<Entry> entries;

    private TokenFile(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    static CredentialFile<TokenFile> parse(Path file, List<String> lines) {
        List<Entry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1) + ": ";
            String[] fields = line.split("\\s+");
            if (fields.length > 2) {
                problems.add(where + "expected TOKEN or sha256:HEX, then at most a NAME");
                continue;
            }
            byte[] digest;
            if (fields[0].regionMatches(true, 0, HASH_PREFIX, 0, HASH_PREFIX.length())) {
                String hex = fields[0].substring(HASH_PREFIX.length());
                if (!HEX_DIGEST.matcher(hex).matches()) {
                    problems.add(where + "sha256: must be followed by 64 hex digits");
                    continue;
                }
                digest = HexFormat.of().parseHex(hex);
            } else {
                digest = sha256(fields[0]);
            }
            String name = fields.length == 2 ? fields[1] : "token-" + HexFormat.of().formatHex(digest, 0, 4);
            if (!NAME.matcher(name).matches()) {
                problems.add(where + "a NAME has 1 to 64 letters, digits or . _ @ + -");
                continue;
            }
            entries.add(new Entry(digest, name));
        }
        return new CredentialFile<>(new TokenFile(entries), problems);
    }

    /** The NAME of the presented token, or empty when the file does not hold it. */
    Optional<String> match(String token) {
        byte[] digest = sha256(token);
        String found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.digest(), digest) && found == null) {
                found = entry.name();
            }
        }
        return Optional.ofNullable(found);
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
