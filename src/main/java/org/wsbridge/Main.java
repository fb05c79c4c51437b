package org.wsbridge;

import org.wsbridge.cli.WsbridgeCommand;

/** Entry point: run the command line and exit with its status. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // Until the server lands: show the configuration the command line produced.
        System.exit(WsbridgeCommand.run(args, System.out, System.err, config -> {
            System.out.println(config);
            return 0;
        }));
    }
}
