package org.wsbridge.http.access;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.wsbridge.config.Access;
import org.wsbridge.config.Proxying;
import org.wsbridge.log.LogScope;
import org.wsbridge.request.CgiRequests;
import org.wsbridge.request.RemoteUser;

/**
 * Decides, for the whole server, whether a request may go on ({@code --auth-token}): takes the credential out of
 * the request, refuses an address that failed too often (429), then checks the credential (401 when missing or
 * wrong, 400 when malformed). Thread-safe: shared by every connection's {@link AccessGate}.
 */
public final class AccessPolicy {
    static final String BEARER_CHALLENGE = "Bearer realm=\"wsbridge\"";

    private final WatchedFile<TokenFile> tokens;
    private final FailureLimit failures;
    private final Proxying proxying;

    AccessPolicy(WatchedFile<TokenFile> tokens, FailureLimit failures, Proxying proxying) {
        this.tokens = tokens;
        this.failures = failures;
        this.proxying = proxying;
    }

    /** The policy of {@code access}, its files read now; empty when anyone may connect. */
    public static Optional<AccessPolicy> of(Access access, Proxying proxying, LogScope log) throws IOException {
        if (!access.required()) {
            return Optional.empty();
        }
        LongSupplier clock = System::nanoTime;
        Path file = access.tokenFile().get();
        WatchedFile<TokenFile> tokens = new WatchedFile<>(file, TokenFile::parse, log, clock);
        if (tokens.current().isEmpty()) {
            log.info("auth", file + " holds no token yet: every request is refused until one is added");
        }
        return Optional.of(new AccessPolicy(tokens, new FailureLimit(clock), proxying));
    }

    /**
     * Problems that make {@code --auth-token}'s file unusable at startup (it cannot be read, or a line is bad),
     * one message each; empty when it is fine.
     */
    public static List<String> problemsOfTokenFile(Path file) {
        try {
            return CredentialFile.read(file, TokenFile::parse).problems();
        } catch (IOException e) {
            return List.of("cannot read " + file + " (" + e.getMessage() + ")");
        }
    }

    /** The client's address, as REMOTE_ADDR and as the key of the failure count. */
    String clientAddress(Channel channel, HttpRequest request) {
        return CgiRequests.clientAddress(channel, request, proxying);
    }

    /** Checks {@code request}, whose credential it removes; {@code address} is {@link #clientAddress}. */
    CompletableFuture<Verdict> check(HttpRequest request, String address) {
        Presented presented = Presented.takeFrom(request);
        long wait = failures.blockedSeconds(address);
        if (wait > 0) {
            return done(new Verdict.Refused(HttpResponseStatus.TOO_MANY_REQUESTS, FailureLimit.MAX_FAILURES
                    + " failed attempts within " + FailureLimit.WINDOW_SECONDS + " s from this address",
                    h -> h.set(HttpHeaderNames.RETRY_AFTER, Long.toString(wait))));
        }
        if (presented instanceof Presented.Token token) {
            Optional<String> name = tokens.current().match(token.token());
            if (name.isPresent()) {
                return done(new Verdict.Allowed(new RemoteUser("Bearer", name.get())));
            }
            failures.failed(address);
            return done(unauthorized("wrong token (from " + token.where() + ")"));
        }
        if (presented instanceof Presented.Malformed malformed) {
            failures.failed(address);
            return done(new Verdict.Refused(HttpResponseStatus.BAD_REQUEST, malformed.reason(),
                    AccessPolicy::challenge));
        }
        return done(unauthorized("no credentials"));
    }

    private static Verdict unauthorized(String why) {
        return new Verdict.Refused(HttpResponseStatus.UNAUTHORIZED, why, AccessPolicy::challenge);
    }

    private static void challenge(HttpHeaders headers) {
        headers.add(HttpHeaderNames.WWW_AUTHENTICATE, BEARER_CHALLENGE);
    }

    private static CompletableFuture<Verdict> done(Verdict verdict) {
        return CompletableFuture.completedFuture(verdict);
    }
}
