package org.wsbridge;

import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import org.wsbridge.cli.BuildInfo;
import org.wsbridge.cli.WsbridgeCommand;
import org.wsbridge.server.Server;

/** Entry point: run the command line and exit with its status. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // What Netty settles on anyway, after probing at every start for SLF4J (in the jar for Lettuce, bound to
        // nothing) and Log4J: a dozen classes read and verified from the jar, outside the start-up archive.
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        System.exit(WsbridgeCommand.run(args, System.out, System.err,
                (config, source) -> new Server(config, source, BuildInfo.version()).run()));
    }
}
