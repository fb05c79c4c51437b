package org.wsbridge.server;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Makes the path of {@code --unixsocket} ready to bind without ever destroying anything that is not ours: a file
 * that is not a socket is refused (and kept), a socket that still accepts connections belongs to a running server
 * (refused), and only a dead socket is removed. Netty's bind would unlink whatever is there, so this runs first.
 */
final class UnixSocketFile {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private UnixSocketFile() {
    }

    /** Leaves the path free for a bind, or explains why it must not be touched. */
    static void prepare(Path path) throws StartupFailure {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException | UnsupportedOperationException e) {
            throw new StartupFailure("cannot inspect --unixsocket " + path + ": " + e.getMessage(), 1);
        }
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new StartupFailure("--unixsocket " + path + " exists and is not a socket; not touching it", 1);
        }
        if (accepts(path)) {
            throw new StartupFailure("socket " + path + " is already in use by a running server",
                    Server.EXIT_CANNOT_LISTEN);
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new StartupFailure("cannot remove the stale socket " + path + ": " + e.getMessage(), 1);
        }
    }

    private static boolean accepts(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
