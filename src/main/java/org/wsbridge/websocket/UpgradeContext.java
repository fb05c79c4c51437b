package org.wsbridge.websocket;

import io.netty.channel.group.ChannelGroup;
import org.wsbridge.metrics.Metrics;
import org.wsbridge.process.FdBudget;
import org.wsbridge.process.ForkLimiter;
import org.wsbridge.process.Reaper;

/**
 * The server-wide things every upgrade (and every CGI run) needs, shared by all connections.
 *
 * @param forks          the {@code --maxforks} counter
 * @param fds            whether there are descriptors left for another session
 * @param reaper         collects exit statuses
 * @param sessions       live WebSocket channels, for graceful shutdown
 * @param origins        which Origin headers may upgrade
 * @param serverSoftware SERVER_SOFTWARE, {@code wsbridge/<version>}
 * @param names          REMOTE_HOST ({@code --reverselookup})
 * @param metrics        what {@code --metrics} counts; {@link Metrics#NONE} without it
 */
public record UpgradeContext(ForkLimiter forks, FdBudget fds, Reaper reaper, ChannelGroup sessions,
                             OriginCheck origins, String serverSoftware, ReverseLookup names, Metrics metrics) {

    /** A context that counts nothing. */
    public UpgradeContext(ForkLimiter forks, FdBudget fds, Reaper reaper, ChannelGroup sessions, OriginCheck origins,
                          String serverSoftware, ReverseLookup names) {
        this(forks, fds, reaper, sessions, origins, serverSoftware, names, Metrics.NONE);
    }
}
