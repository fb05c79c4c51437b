/**
 * Child processes for sessions: {@link org.wsbridge.process.ChildProcess} spawns a program with
 * {@code posix_spawnp} into its own session, with three pipes as its stdio that the session's own Netty epoll
 * event loop reads and writes; one {@link org.wsbridge.process.Reaper} thread collects the exit statuses (every
 * child's in the command-line server, only its own children's, by pidfd, in a host JVM); the
 * termination ladder signals the whole process group; {@link org.wsbridge.process.NativeStartup} prepares the
 * process once at startup; {@link org.wsbridge.process.LineFramer} cuts a child's output into lines (a session's
 * text messages, a CGI script's stderr log).
 *
 * <p>Nothing here uses {@code java.lang.Process}: the JDK's API needs threads per process, cannot send SIGINT,
 * and its own reaper would race the server's all-children reaper (not the library's). Only epoll event loops are supported for now; a portable fallback
 * (NIO or a small thread pool) would go behind the same {@code ChildProcess} API, which exposes no epoll type.
 */
package org.wsbridge.process;
