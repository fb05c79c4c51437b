package org.wsbridge.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.wsbridge.config.Bus;

/** Parses the value of {@code --bus}: {@code redis://HOST:PORT[/DB][?prefix=P]}. */
final class BusArgument {
    private static final String FORM = "use redis://HOST:PORT[/DB][?prefix=P], e.g. redis://127.0.0.1:6379/0";

    private BusArgument() {
    }

    static Bus parse(String value) throws UsageError {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw bad(value, "it is not a URL");
        }
        if (!"redis".equals(uri.getScheme())) {
            throw bad(value, "only redis:// is supported");
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw bad(value, "a user, password or #fragment is not supported");
        }
        if (uri.getHost() == null || uri.getPort() < 1 || uri.getPort() > 65535) {
            throw bad(value, "it needs a host and a port (1 to 65535)");
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        return new Bus(host, uri.getPort(), database(value, uri.getRawPath()), prefix(value, uri.getRawQuery()));
    }

    private static int database(String value, String path) throws UsageError {
        if (path == null || path.isEmpty() || path.equals("/")) {
            return 0;
        }
        String db = path.substring(1);
        if (!db.matches("[0-9]{1,5}")) {
            throw bad(value, "the database '" + db + "' is not a number");
        }
        return Integer.parseInt(db);
    }

    private static String prefix(String value, String query) throws UsageError {
        if (query == null) {
            return Bus.DEFAULT_PREFIX;
        }
        if (!query.startsWith("prefix=") || query.contains("&")) {
            throw bad(value, "the only query parameter is prefix=");
        }
        String prefix = URLDecoder.decode(query.substring("prefix=".length()), StandardCharsets.UTF_8);
        if (prefix.isEmpty()) {
            throw bad(value, "prefix= must not be empty");
        }
        return prefix;
    }

    private static UsageError bad(String value, String why) {
        return UsageError.invalid("--bus: '" + value + "' is not a Redis URL (" + why + "); " + FORM);
    }
}
