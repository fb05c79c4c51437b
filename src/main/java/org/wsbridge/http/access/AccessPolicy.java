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
import java.util.concurrent.CompletionException;
import java.util.function.LongSupplier;
import org.wsbridge.config.Access;
import org.wsbridge.config.Config;
import org.wsbridge.config.Proxying;
import org.wsbridge.log.LogScope;
import org.wsbridge.request.CgiRequests;
import org.wsbridge.request.RemoteUser;
import org.wsbridge.websocket.UpgradeContext;

/**
 * Decides, for the whole server, whether a request may go on ({@code --auth-token}, {@code --auth-basic}): takes
 * the credential out of the request, refuses an address that failed too often (429), then checks the credential
 * (401 when missing or wrong, 400 when malformed). With {@code --auth-command} instead, a program decides (see
 * {@link CommandCheck}) and the request is left as it is. Thread-safe: shared by every connection's
 * {@link AccessGate}.
 */
public final class AccessPolicy {
    static final String BEARER_CHALLENGE = "Bearer realm=\"wsbridge\"";
    static final String BASIC_CHALLENGE = "Basic realm=\"wsbridge\", charset=\"UTF-8\"";

    private final Optional<WatchedFile<TokenFile>> tokens;
    private final Optional<PasswordCheck> passwords;
    private final Optional<CommandCheck.Settings> command;
    private final FailureLimit failures;
    private final Proxying proxying;

    AccessPolicy(Optional<WatchedFile<TokenFile>> tokens, Optional<PasswordCheck> passwords,
                 Optional<CommandCheck.Settings> command, FailureLimit failures, Proxying proxying) {
        this.tokens = tokens;
        this.passwords = passwords;
        this.command = command;
        this.failures = failures;
        this.proxying = proxying;
    }

    /**
     * The policy of {@code config}'s access options, its files read now; empty when anyone may connect.
     *
     * @param context spawns the {@code --auth-command}
     */
    public static Optional<AccessPolicy> of(Config config, UpgradeContext context, LogScope log) throws IOException {
        return of(config, context, log, Optional.empty());
    }

    /**
     * As {@link #of(Config, UpgradeContext, LogScope)} after a reload: the files are read again, and the count of
     * failed attempts goes on from {@code before}'s, so a SIGHUP does not lift a block.
     */
    public static Optional<AccessPolicy> of(Config config, UpgradeContext context, LogScope log,
                                            Optional<AccessPolicy> before) throws IOException {
        Access access = config.access();
        Proxying proxying = config.proxying();
        if (!access.required()) {
            return Optional.empty();
        }
        LongSupplier clock = System::nanoTime;
        Optional<WatchedFile<TokenFile>> tokens = Optional.empty();
        if (access.tokenFile().isPresent()) {
            Path file = access.tokenFile().get();
            tokens = Optional.of(new WatchedFile<>(file, TokenFile::parse, log, clock));
            if (tokens.get().current().isEmpty()) {
                log.info("auth", file + " holds no token yet: no token is accepted until one is added");
            }
        }
        Optional<PasswordCheck> passwords = Optional.empty();
        if (access.basicFile().isPresent()) {
            Path file = access.basicFile().get();
            WatchedFile<Htpasswd> users = new WatchedFile<>(file, Htpasswd::parse, log, clock);
            if (users.current().isEmpty()) {
                log.info("auth", file + " holds no user yet: no password is accepted until one is added");
            }
            passwords = Optional.of(new PasswordCheck(users, clock));
        }
        Optional<CommandCheck.Settings> command = access.command().map(program -> new CommandCheck.Settings(program,
                context, config.passEnv(), config.secure(), proxying));
        FailureLimit failures = before.map(p -> p.failures).orElseGet(() -> new FailureLimit(clock));
        return Optional.of(new AccessPolicy(tokens, passwords, command, failures, proxying));
    }

    /**
     * Problems that make {@code --auth-token}'s file unusable at startup (it cannot be read, or a line is bad),
     * one message each; empty when it is fine.
     */
    public static List<String> problemsOfTokenFile(Path file) {
        return problems(file, TokenFile::parse);
    }

    /** As {@link #problemsOfTokenFile}, for {@code --auth-basic}'s htpasswd file. */
    public static List<String> problemsOfPasswordFile(Path file) {
        return problems(file, Htpasswd::parse);
    }

    private static <T> List<String> problems(Path file, CredentialFile.Parser<T> parser) {
        try {
            return CredentialFile.read(file, parser).problems();
        } catch (IOException e) {
            return List.of("cannot read " + file + " (" + e.getMessage() + ")");
        }
    }

    /** The client's address, as REMOTE_ADDR and as the key of the failure count. */
    String clientAddress(Channel channel, HttpRequest request) {
        return CgiRequests.clientAddress(channel, request, proxying);
    }

    /**
     * Checks {@code request}, whose credential it removes; {@code address} is {@link #clientAddress}. Called on
     * the channel's event loop.
     */
    CompletableFuture<Verdict> check(Channel channel, HttpRequest request, String address, LogScope log) {
        Presented presented = Presented.takeFrom(request, tokens.isPresent(), passwords.isPresent());
        long wait = failures.blockedSeconds(address);
        if (wait > 0) {
            return done(new Verdict.Refused(HttpResponseStatus.TOO_MANY_REQUESTS, FailureLimit.MAX_FAILURES
                    + " failed attempts within " + FailureLimit.WINDOW_SECONDS + " s from this address",
                    h -> h.set(HttpHeaderNames.RETRY_AFTER, Long.toString(wait))));
        }
        if (command.isPresent()) {
            return CommandCheck.run(command.get(), channel, request, log).thenApply(verdict -> {
                if (verdict instanceof Verdict.Refused refused && (refused.status().code() == 401
                        || refused.status().code() == 403)) {
                    failures.failed(address);
                }
                return verdict;
            });
        }
        if (presented instanceof Presented.Token token) {
            Optional<String> name = tokens.get().current().match(token.token());
            if (name.isPresent()) {
                return done(new Verdict.Allowed(new RemoteUser("Bearer", name.get())));
            }
            failures.failed(address);
            return done(unauthorized("wrong token (from " + token.where() + ")"));
        }
        if (presented instanceof Presented.Basic basic) {
            return passwords.get().matches(basic.user(), basic.password())
                    .handle((ok, error) -> password(basic.user(), ok, error, address));
        }
        if (presented instanceof Presented.Malformed malformed) {
            failures.failed(address);
            return done(new Verdict.Refused(HttpResponseStatus.BAD_REQUEST, malformed.reason(), this::challenge));
        }
        return done(unauthorized("no credentials"));
    }

    private Verdict password(String user, Boolean ok, Throwable error, String address) {
        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
        if (cause instanceof PasswordCheck.Busy) {
            return new Verdict.Refused(HttpResponseStatus.SERVICE_UNAVAILABLE, "too many password checks at once",
                    h -> h.set(HttpHeaderNames.RETRY_AFTER, "1"));
        }
        if (cause != null) {
            throw new CompletionException(cause);
        }
        if (ok) {
            return new Verdict.Allowed(new RemoteUser("Basic", user));
        }
        failures.failed(address);
        return unauthorized("wrong user or password (user " + Presented.printable(user) + ")");
    }

    private Verdict unauthorized(String why) {
        return new Verdict.Refused(HttpResponseStatus.UNAUTHORIZED, why, this::challenge);
    }

    /** One WWW-Authenticate per accepted scheme. */
    private void challenge(HttpHeaders headers) {
        tokens.ifPresent(t -> headers.add(HttpHeaderNames.WWW_AUTHENTICATE, BEARER_CHALLENGE));
        passwords.ifPresent(p -> headers.add(HttpHeaderNames.WWW_AUTHENTICATE, BASIC_CHALLENGE));
    }

    private static CompletableFuture<Verdict> done(Verdict verdict) {
        return CompletableFuture.completedFuture(verdict);
    }
}
