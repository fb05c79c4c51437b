package org.wsbridge.http.access;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Optional;
import java.util.function.Consumer;
import org.wsbridge.request.RemoteUser;

/** The outcome of checking one request's credential. */
sealed interface Verdict {
    /** The request goes on; the program sees {@code user}. */
    record Allowed(RemoteUser user) implements Verdict {
    }

    /**
     * The request is answered with {@code status} and {@code body}, or else a one-line body with {@code why};
     * {@code why} is logged (it holds no secret).
     */
    record Refused(HttpResponseStatus status, String why, Consumer<HttpHeaders> headers, Optional<String> body)
            implements Verdict {
        Refused(HttpResponseStatus status, String why, Consumer<HttpHeaders> headers) {
            this(status, why, headers, Optional.empty());
        }
    }
}
