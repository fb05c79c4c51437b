package org.wsbridge;

import org.wsbridge.cli.BuildInfo;
import org.wsbridge.cli.WsbridgeCommand;
import org.wsbridge.server.Server;

/** Entry point: run the command line and exit with its status. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(WsbridgeCommand.run(args, System.out, System.err,
                (config, source) -> new Server(config, source, BuildInfo.version()).run()));
    }
}
