package org.wsbridge.cli;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The full help and the short usage, rendered from the annotated options so the two cannot drift apart.
 * Options are grouped by the hundreds of their {@code order}: an option with {@code order = TLS + 3} is listed
 * third under the TLS heading.
 */
final class UsageText {
    static final int LISTEN = 100;
    static final int TLS = 200;
    static final int RUN = 300;
    static final int ROOMS = 350;
    static final int WEBSOCKET = 400;
    static final int HTTP = 500;
    static final int PROXY = 600;
    static final int ACCESS = 700;
    static final int OTHER = 800;
    static final Map<Integer, String> HEADINGS = Map.of(
            LISTEN, "Where to listen:",
            TLS, "TLS (https and wss):",
            RUN, "What each connection runs:",
            ROOMS, "Rooms (one program for many clients):",
            WEBSOCKET, "WebSocket connections:",
            HTTP, "Plain HTTP requests (not upgrades):",
            PROXY, "Behind a reverse proxy:",
            ACCESS, "Who may connect (every request, before anything is served or run):",
            OTHER, "Logging and information:");

    private static final int WIDTH = 80;
    private static final int INDENT = 2;
    private static final int DESCRIPTION_COLUMN = 26;

    private UsageText() {
    }

    /** The short usage printed after a command line error. */
    static String brief(String binary) {
        return usageLines(binary) + "  " + binary + " --help\n";
    }

    /** The complete help ({@code --help}). */
    static String full(CommandSpec spec, String binary) {
        StringBuilder help = new StringBuilder(usageLines(binary))
                .append("  ").append(binary).append(" [options] --tcp=HOST:PORT or --unixtarget=PATH\n")
                .append("  ").append(binary).append(" [options] --staticdir=DIR and/or --cgidir=DIR\n\n");
        paragraph(help, "Turns a program that reads lines on stdin and writes lines on stdout into a WebSocket"
                + " server. Each connection starts its own copy of COMMAND, with the given arguments: every"
                + " message from the client becomes a line on the program's stdin and every line the program"
                + " prints becomes a message to the client. The program's environment holds CGI variables that"
                + " describe the request (REMOTE_ADDR, QUERY_STRING, HTTP_* headers and more).");
        int section = -1;
        for (OptionSpec option : optionsInOrder(spec)) {
            if (group(option) != section) {
                section = group(option);
                help.append('\n').append(HEADINGS.get(section)).append('\n');
            }
            item(help, synopsis(option), String.join(" ", option.description()));
        }
        help.append('\n');
        paragraph(help, "Options may be written --name=value, --name value, -name=value or -name value. A switch"
                + " is turned on by --name or --name=true and off by --name=false. Options end at COMMAND or at"
                + " --: everything after COMMAND is passed to it unchanged.");
        help.append('\n');
        paragraph(help, "Manual: man wsbridge. License: BSD-2-Clause, shown by " + binary + " --license.");
        return help.toString();
    }

    /** Options sorted as the help lists them. */
    static List<OptionSpec> optionsInOrder(CommandSpec spec) {
        return spec.options().stream().sorted(Comparator.comparingInt(OptionSpec::order)).toList();
    }

    /** The help section of an option: its {@code order} rounded down to the hundred. */
    static int group(OptionSpec option) {
        return option.order() >= ROOMS && option.order() < WEBSOCKET ? ROOMS : option.order() / 100 * 100;
    }

    /** How the help names an option: {@code --port=PORT}, {@code --ssl}, {@code --help, -h}. */
    static String synopsis(OptionSpec option) {
        String name = option.longestName();
        String label = option.typeInfo().isBoolean() ? ""
                : option.arity().min() == 0 ? "[=" + option.paramLabel() + "]" : "=" + option.paramLabel();
        String shortName = option.shortestName();
        return name + label + (shortName.length() == 2 ? ", " + shortName : "");
    }

    private static String usageLines(String binary) {
        return "Usage:\n"
                + "  " + binary + " [options] COMMAND [command args]\n"
                + "  " + binary + " [options] --dir=SOMEDIR\n";
    }

    private static void item(StringBuilder out, String name, String description) {
        String lead = " ".repeat(INDENT) + name;
        if (lead.length() + 1 > DESCRIPTION_COLUMN) {
            out.append(lead).append('\n');
            lead = "";
        }
        List<String> lines = wrap(description, WIDTH - DESCRIPTION_COLUMN);
        for (String line : lines) {
            out.append(lead).append(" ".repeat(DESCRIPTION_COLUMN - lead.length())).append(line).append('\n');
            lead = "";
        }
    }

    private static void paragraph(StringBuilder out, String text) {
        wrap(text, WIDTH).forEach(line -> out.append(line).append('\n'));
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new java.util.ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" +")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
