/**
 * wsbridge as a library: put a program behind a WebSocket path of a server the application already runs.
 *
 * <p>{@link org.wsbridge.embed.Bridge} is built once per program (or directory of programs) and gives a Netty
 * handler ({@link org.wsbridge.embed.Bridge#nettyHandler}) and a Jakarta WebSocket endpoint configuration
 * ({@link org.wsbridge.embed.Bridge#endpointConfig}) for Jetty 12 (ee10) or Tomcat 11. Each WebSocket connection
 * gets its own child process with the CGI environment of the command-line server; the host decides per request
 * through a {@link org.wsbridge.embed.Bridge.RequestHook} ({@link org.wsbridge.embed.Decision}). In a servlet
 * container, {@link org.wsbridge.embed.RemoteAddressListener} gives the endpoint the client's address (Tomcat has
 * no other way).
 *
 * <p><b>One session core.</b> This package is a thin shell over the command-line server's: on Netty epoll loops
 * a connection goes through the same {@code websocket.Upgrader} (checks, 101, frame codec) and runs the same
 * {@code websocket.Session} (line framing, flow control both ways, close codes, termination ladder), configured
 * from the builder as the command line would configure it, with the hook as the upgrader's
 * {@code ProgramAdmission}; a fix there is a fix here. Where no Netty channel on an epoll loop carries the
 * connection (a Jakarta container, or a Netty host on NIO loops) the child cannot share the connection's loop,
 * which {@code Session} is built on, so {@link org.wsbridge.embed.BridgeSession} runs the child on one of the
 * bridge's own loops and talks to the connection through a small transport; it shares the process layer
 * (spawn, {@code LineFramer}, reaper, ladder) and the bridge's session slots with the Netty path. (Making
 * {@code Session} itself transport-neutral would put an interface call on the command-line server's per-message
 * path; the adapter keeps that path monomorphic.)
 *
 * <p>Inside a host JVM, wsbridge keeps to itself: it reaps only the children it started (through pidfds, Linux
 * 5.3 or later), so {@code java.lang.Process} keeps working; it installs no signal handler, never calls
 * {@code System.exit}, does not make the JVM a child subreaper, and holds one lazily started reaper thread and,
 * unless the host's own Netty epoll loops run the sessions, one small event-loop group per bridge. Closing the
 * bridge ends every child through the termination ladder (stdin closed, then SIGINT, SIGTERM, SIGKILL to its
 * process group).
 *
 * <p>This package is the library's public API; it is versioned with the wsbridge artifact.
 */
package org.wsbridge.embed;
