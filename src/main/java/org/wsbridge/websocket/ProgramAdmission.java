package org.wsbridge.websocket;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Map;
import java.util.function.Consumer;
import org.wsbridge.process.CgiRequest;
import org.wsbridge.process.ExitStatus;
import org.wsbridge.request.ScriptTarget;

/**
 * A host's say over each connection of a program endpoint, once the upgrade checks have passed and before the
 * child starts: the library's request hook ({@code org.wsbridge.embed.Bridge.RequestHook}) is one. The
 * command-line server has none: every connection runs its target as the URL names it.
 */
@FunctionalInterface
public interface ProgramAdmission {
    /** Refuses the connection, or admits it with what to run. Called on the connection's event loop. */
    Verdict admit(Channel channel, HttpRequest request, ScriptTarget target, CgiRequest cgi);

    /**
     * What {@link #admit} decided.
     *
     * @param status  the refusal's HTTP status, 0 when admitted
     * @param body    the refusal's one-line body
     * @param target  the program to run (the one given, or another)
     * @param cgi     the CGI facts its environment is built from (the ones given, or changed: REMOTE_USER, HTTPS)
     * @param env     more variables, set after the CGI ones
     * @param exited  told the child's exit status, on the event loop
     */
    record Verdict(int status, String body, ScriptTarget target, CgiRequest cgi, Map<String, String> env,
                   Consumer<ExitStatus> exited) {
        public static Verdict refuse(int status, String body) {
            return new Verdict(status, body, null, null, Map.of(), s -> { });
        }

        public static Verdict admit(ScriptTarget target, CgiRequest cgi, Map<String, String> env,
                                    Consumer<ExitStatus> exited) {
            return new Verdict(0, "", target, cgi, env, exited);
        }

        public boolean admitted() {
            return status == 0;
        }
    }
}
