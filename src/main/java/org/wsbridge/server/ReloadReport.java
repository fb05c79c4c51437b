package org.wsbridge.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.wsbridge.config.Access;
import org.wsbridge.config.Reload;

/** The log line that says what a SIGHUP changed, what it re-read and what it left for a restart. */
final class ReloadReport {
    private ReloadReport() {
    }

    static String of(Reload reload) {
        List<String> parts = new ArrayList<>();
        parts.add(reload.applied().isEmpty() ? "configuration re-read, no option changed"
                : "configuration reloaded, now in force: " + String.join(", ", reload.applied()));
        Access access = reload.config().access();
        List<String> files = Stream.of(access.tokenFile(), access.basicFile())
                .flatMap(java.util.Optional::stream).map(Path::toString).toList();
        if (!files.isEmpty()) {
            parts.add("credentials re-read from " + String.join(", ", files));
        }
        if (!reload.ignored().isEmpty()) {
            parts.add("ignored until a restart: " + String.join(", ", reload.ignored()));
        }
        return String.join("; ", parts);
    }
}
