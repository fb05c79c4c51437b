package org.wsbridge.http.access;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.IoEventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.wsbridge.config.EnvVar;
import org.wsbridge.config.Proxying;
import org.wsbridge.log.LogScope;
import org.wsbridge.process.CgiEnvironment;
import org.wsbridge.process.CgiRequest;
import org.wsbridge.process.ChildHandler;
import org.wsbridge.process.ChildProcess;
import org.wsbridge.process.ExitStatus;
import org.wsbridge.process.SpawnException;
import org.wsbridge.process.SpawnRequest;
import org.wsbridge.request.CgiRequests;
import org.wsbridge.request.RemoteUser;
import org.wsbridge.request.ScriptTarget;
import org.wsbridge.websocket.UpgradeContext;

/**
 * One run of {@code --auth-command}: the program gets the request's CGI environment (no body, stdin closed) and
 * decides. Exit 0 allows, and the first line of its output becomes REMOTE_USER (AUTH_TYPE {@code Command}); exit 1
 * refuses with 401, any other end with 403, its output as the body. It is spawned like every child (counted in
 * {@code --maxforks}, its whole group ended by the termination ladder) and ended after {@value #TIMEOUT_MS} ms
 * (503). At most {@value #MAX_OUTPUT} bytes of output are kept; stderr is discarded. Runs on the connection's
 * event loop.
 */
final class CommandCheck implements ChildHandler {
    static final long TIMEOUT_MS = 5_000;
    static final int MAX_OUTPUT = 4096;

    /** What every run shares. */
    record Settings(Path program, UpgradeContext context, List<EnvVar> passEnv, boolean secure, Proxying proxying) {
    }

    private final CompletableFuture<Verdict> verdict = new CompletableFuture<>();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private ExitStatus exit;
    private boolean stdoutEnded;
    private ScheduledFuture<?> timeout;

    private CommandCheck() {
    }

    /** Starts the program for {@code request}; the verdict completes on the channel's event loop. */
    static CompletableFuture<Verdict> run(Settings settings, Channel channel, HttpRequest request, LogScope log) {
        CommandCheck check = new CommandCheck();
        if (!settings.context().forks().tryAcquire()) {
            return CompletableFuture.completedFuture(new Verdict.Refused(HttpResponseStatus.TOO_MANY_REQUESTS,
                    "no room for the --auth-command (--maxforks)", h -> h.set(HttpHeaderNames.RETRY_AFTER, "1")));
        }
        ChildProcess child;
        try {
            String program = settings.program().toString();
            ScriptTarget target = ScriptTarget.command(List.of(program),
                    CgiRequests.percentDecode(pathOf(request.uri())));
            CgiRequest cgi = CgiRequests.describe(channel, request, target, settings.secure(), settings.proxying());
            CgiEnvironment env = CgiEnvironment.forCgi(settings.context().serverSoftware(), settings.passEnv(), cgi,
                    EnvVar.byteString(program), Optional.empty(), Optional.empty());
            child = ChildProcess.start((IoEventLoop) channel.eventLoop(), settings.context().reaper(),
                    new SpawnRequest(target.argv(), env.toBytes(), Optional.empty()), check, channel.alloc(), log);
        } catch (SpawnException | IllegalArgumentException e) {
            settings.context().forks().release();
            log.error("auth", "Could not launch the --auth-command " + settings.program() + " (" + e.getMessage()
                    + ")");
            return CompletableFuture.completedFuture(new Verdict.Refused(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "the --auth-command could not be started", h -> { }));
        }
        child.closeStdin();
        child.gone().addListener(f -> settings.context().forks().release());
        child.exit().addListener(f -> check.exited((ExitStatus) f.getNow()));
        check.timeout = channel.eventLoop().schedule(() -> {
            if (!check.verdict.isDone()) {
                log.error("auth", "The --auth-command " + settings.program() + " did not answer within "
                        + TIMEOUT_MS + " ms: ended");
                check.verdict.complete(new Verdict.Refused(HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "the --auth-command did not answer in time", h -> { }));
            }
            child.terminate(0);
        }, TIMEOUT_MS, TimeUnit.MILLISECONDS);
        check.verdict.whenComplete((v, e) -> check.timeout.cancel(false));
        return check.verdict;
    }

    private static String pathOf(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    @Override
    public void stdout(ByteBuf chunk) {
        try {
            int room = MAX_OUTPUT - output.size();
            if (room > 0) {
                int n = Math.min(room, chunk.readableBytes());
                byte[] bytes = new byte[n];
                chunk.readBytes(bytes);
                output.writeBytes(bytes);
            }
        } finally {
            chunk.release();
        }
    }

    @Override
    public void stdoutEof() {
        stdoutEnded = true;
        decideWhenDone();
    }

    @Override
    public void stderr(ByteBuf chunk) {
        chunk.release();
    }

    @Override
    public void stderrEof() {
    }

    private void exited(ExitStatus status) {
        exit = status;
        decideWhenDone();
    }

    private void decideWhenDone() {
        if (exit == null || !stdoutEnded || verdict.isDone()) {
            return;
        }
        String text = output.toString(StandardCharsets.UTF_8);
        if (exit.success()) {
            String user = text.lines().findFirst().orElse("").strip();
            if (user.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
                verdict.complete(new Verdict.Refused(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                        "the --auth-command printed a control character in the user name", h -> { }));
            } else {
                verdict.complete(new Verdict.Allowed(new RemoteUser("Command", user)));
            }
            return;
        }
        HttpResponseStatus status = exit.exited() && exit.exitCode() == 1
                ? HttpResponseStatus.UNAUTHORIZED : HttpResponseStatus.FORBIDDEN;
        verdict.complete(new Verdict.Refused(status, "the --auth-command refused (" + exit.describe() + ")", h -> { },
                text.isEmpty() ? Optional.empty() : Optional.of(text)));
    }
}
