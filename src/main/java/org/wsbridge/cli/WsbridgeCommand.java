package org.wsbridge.cli;

/** Placeholder until the picocli command lands. */
public final class WsbridgeCommand {
    private WsbridgeCommand() {
    }

    public static int run(String[] args) {
        System.err.println("wsbridge: not built yet");
        return 1;
    }
}
