package org.wsbridge.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;

/** The version and license text baked into the jar at build time, and the version line shown to users. */
public final class BuildInfo {
    private static final String PROPERTIES = "/org/wsbridge/build.properties";
    private static final String LICENSE = "/org/wsbridge/LICENSE";

    private BuildInfo() {
    }

    /** The project version from the build (Maven resource filtering of {@code build.properties}). */
    public static String version() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(PROPERTIES)) {
            if (in == null) {
                return "unknown";
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PROPERTIES + " from the jar", e);
        }
        return properties.getProperty("version", "unknown");
    }

    /**
     * The websocketd release whose behaviour wsbridge follows: HEAD, which calls itself 0.5.0 (untagged). Printed
     * by {@code --version} so scripts that check the version can tell.
     */
    public static final String WEBSOCKETD_VERSION = "0.5.0";

    /**
     * {@code <binary> <version> (websocketd <version> compatible; java <runtime version> <os>-<arch>)}, one line
     * like websocketd's.
     */
    public static String versionLine(String binary) {
        return binary + " " + version() + " (websocketd " + WEBSOCKETD_VERSION + " compatible; java "
                + System.getProperty("java.version") + " " + os() + "-" + arch() + ")";
    }

    /** The license text (the top-level LICENSE file, copied into the jar by the build). */
    static String license() {
        try (InputStream in = BuildInfo.class.getResourceAsStream(LICENSE)) {
            if (in == null) {
                throw new IllegalStateException(LICENSE + " is missing from the jar; rebuild with mvn package");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + LICENSE + " from the jar", e);
        }
    }

    // Go's spelling of the platform (linux-amd64, linux-arm64), which websocketd users know.
    private static String os() {
        return System.getProperty("os.name").toLowerCase(Locale.ROOT).split(" ")[0];
    }

    private static String arch() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
    }
}
