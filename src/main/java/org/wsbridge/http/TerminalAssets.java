package org.wsbridge.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The terminal page's xterm.js, its fit addon, their style sheet and licences, as the build packed them into the
 * jar (fetched from npm by {@code src/main/terminal/fetch-assets.sh}), read once at start-up. A jar built
 * without npm has none of them, and then {@link #available()} is false.
 */
final class TerminalAssets {
    /** Beside this class: the build puts them in {@code org/wsbridge/http/terminal/}. */
    private static final String RESOURCES = "terminal/";
    private static final String JS = "text/javascript; charset=utf-8";

    /** Name → content type: everything the page loads, and the licences that must travel with it. */
    private static final Map<String, String> FILES = Map.of(
            "xterm.js", JS,
            "addon-fit.js", JS,
            "xterm.css", "text/css; charset=utf-8",
            "LICENSE.xterm", "text/plain; charset=utf-8",
            "LICENSE.addon-fit", "text/plain; charset=utf-8");

    /** One file: its bytes and content type. */
    record Asset(byte[] content, String contentType) {
    }

    private final Map<String, Asset> assets;

    private TerminalAssets(Map<String, Asset> assets) {
        this.assets = assets;
    }

    /** Whatever of the files the jar holds. */
    static TerminalAssets load() {
        Map<String, Asset> found = new LinkedHashMap<>();
        FILES.forEach((name, type) -> {
            try (InputStream in = TerminalAssets.class.getResourceAsStream(RESOURCES + name)) {
                if (in != null) {
                    found.put(name, new Asset(in.readAllBytes(), type));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the terminal asset " + name + " from the jar", e);
            }
        });
        return new TerminalAssets(Map.copyOf(found));
    }

    /** True when every file is there, so the page can work. */
    boolean available() {
        return assets.size() == FILES.size();
    }

    Optional<Asset> get(String name) {
        return Optional.ofNullable(assets.get(name));
    }
}
