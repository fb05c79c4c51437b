package org.wsbridge.server;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT ask for a graceful shutdown. A handler (not a shutdown hook, which would make the JVM exit
 * with 143) lets wsbridge close every session and end every child, then exit 0. A SIGINT that was ignored when
 * wsbridge started (a shell's {@code &} does that) stays ignored, as for any Unix program. SIGHUP asks for the
 * configuration to be read again; the JVM runs each handler on a thread of its own. A SIGHUP ignored at start
 * ({@code nohup} does that) stays ignored too: the JVM installs no handler for it, and {@link #install} says so.
 */
final class SignalHandlers {
    private SignalHandlers() {
    }

    /** @return false when SIGHUP was ignored at start, so that it cannot ask for a reload */
    static boolean install(Runnable stop, Runnable reload) {
        SignalHandler beforeHup = Signal.handle(new Signal("HUP"), signal -> reload.run());
        SignalHandler handler = signal -> stop.run();
        Signal.handle(new Signal("TERM"), handler);
        SignalHandler previous = Signal.handle(new Signal("INT"), handler);
        if (previous == SignalHandler.SIG_IGN) {
            Signal.handle(new Signal("INT"), SignalHandler.SIG_IGN);
        }
        return beforeHup != SignalHandler.SIG_IGN;
    }
}
