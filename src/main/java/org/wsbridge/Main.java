package org.wsbridge;

import org.wsbridge.cli.WsbridgeCommand;

/** Entry point: run the command line and exit with its status. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(WsbridgeCommand.run(args));
    }
}
