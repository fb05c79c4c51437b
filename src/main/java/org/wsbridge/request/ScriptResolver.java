package org.wsbridge.request;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.wsbridge.config.Launch;

/** Maps a request URI to the program it runs: always the one COMMAND, or a script found under {@code --dir}. */
public interface ScriptResolver {
    /** The target for this URI, or null when there is no such script (404). */
    ScriptTarget resolve(String uri);

    /** The resolver for a launch configuration. */
    static ScriptResolver of(Launch launch) {
        if (launch.scriptDir().isPresent()) {
            try {
                return new ScriptDirectory(launch.scriptDir().get());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read --dir " + launch.scriptDir().get(), e);
            }
        }
        // Encoded once here, not per request.
        ScriptTarget template = ScriptTarget.command(launch.command(), "");
        return uri -> {
            int q = uri.indexOf('?');
            return template.withPathInfo(CgiRequests.percentDecode(q < 0 ? uri : uri.substring(0, q)));
        };
    }
}
