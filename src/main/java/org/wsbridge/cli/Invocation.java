package org.wsbridge.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wsbridge.config.EnvVar;

/**
 * How wsbridge itself was started: the name it was run as, its environment and its working directory. The
 * command line is checked against this, never against globals, so tests can hand in their own.
 *
 * @param binary           the program name shown in help and version lines (basename of argv[0])
 * @param environment      wsbridge's own environment; names and values are byte strings (see {@link EnvVar})
 * @param workingDirectory absolute; relative paths on the command line are resolved against it
 */
public record Invocation(String binary, Map<String, String> environment, Path workingDirectory) {
    private static final Path PROC_ENVIRON = Path.of("/proc/self/environ");

    public Invocation {
        environment = Map.copyOf(environment);
        if (!workingDirectory.isAbsolute()) {
            throw new IllegalArgumentException("working directory must be absolute: " + workingDirectory);
        }
    }

    /**
     * The running process. {@code argv0} is what the launcher passed as {@code -Dwsbridge.argv0}, or null.
     */
    public static Invocation current(String argv0) {
        String binary = argv0 == null || argv0.isBlank() ? "wsbridge" : Path.of(argv0).getFileName().toString();
        return new Invocation(binary, readEnvironment(), Path.of("").toAbsolutePath());
    }

    /**
     * The {@code --passenv} snapshot: the named variables as they are now, in the order named, the way
     * websocketd takes it: {@code HTTPS} is never passed, unset and empty variables are left out, CR and LF
     * become spaces and surrounding blanks are trimmed.
     */
    public List<EnvVar> passEnv(String commaSeparatedNames) {
        List<EnvVar> vars = new ArrayList<>();
        for (String name : commaSeparatedNames.split(",", -1)) {
            String key = EnvVar.byteString(name);
            String value = environment.get(key);
            if (name.equals("HTTPS") || value == null) {
                continue;
            }
            String clean = trimBlanks(value.replace('\r', ' ').replace('\n', ' '));
            if (!clean.isEmpty()) {
                vars.add(new EnvVar(key, clean));
            }
        }
        return vars;
    }

    /** {@code $PATH} decoded for file-name use, or "" when unset. */
    String path() {
        String bytes = environment.getOrDefault("PATH", "");
        return new String(bytes.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    // The JDK's System.getenv decodes with the platform charset, which is ASCII under env -i or systemd and
    // turns every non-ASCII byte into '?'. /proc/self/environ has the bytes as the kernel received them.
    private static Map<String, String> readEnvironment() {
        byte[] raw;
        try {
            raw = Files.readAllBytes(PROC_ENVIRON);
        } catch (IOException | UnsupportedOperationException e) {
            Map<String, String> env = new LinkedHashMap<>();
            System.getenv().forEach((name, value) -> env.put(EnvVar.byteString(name), EnvVar.byteString(value)));
            return env;
        }
        return parseEnviron(raw);
    }

    /** NUL-separated NAME=VALUE entries as byte strings; the first of duplicate names wins, as in getenv(3). */
    static Map<String, String> parseEnviron(byte[] raw) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : new String(raw, StandardCharsets.ISO_8859_1).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    // Go's strings.TrimSpace on the ASCII blanks (space, \t, \n, \v, \f, \r).
    private static String trimBlanks(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isBlank(s.charAt(start))) {
            start++;
        }
        while (end > start && isBlank(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
