package org.wsbridge.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Makes picocli read a command line the way Go's {@code flag} package does, because websocketd scripts are
 * written for it: {@code -name} equals {@code --name}; a value follows as {@code =value} or as the next
 * argument; a switch takes {@code =true}/{@code =false} but never a separate {@code false}; a repeated option
 * replaces the earlier value; the first non-option argument ends the options.
 */
final class GoFlagSyntax {
    private GoFlagSyntax() {
    }

    /** A picocli command line over {@code options} that follows Go's rules. */
    static CommandLine commandLine(WsbridgeCommand options) {
        CommandLine cli = new CommandLine(options.spec());
        addSingleDashNames(cli.getCommandSpec());
        cli.setStopAtPositional(true)                   // COMMAND and everything after it belong to COMMAND
                .setOverwrittenOptionsAllowed(true)     // --port=1 --port=2 means 2, as in Go
                .setPosixClusteredShortOptionsAllowed(false) // -port is one name, not -p -o -r -t
                .setExpandAtFiles(false)                // "@file" is an ordinary argument
                .setUnmatchedOptionsArePositionalParams(false);
        cli.registerConverter(Boolean.class, GoFlagSyntax::parseBool);
        cli.registerConverter(Boolean.TYPE, GoFlagSyntax::parseBool);
        cli.registerConverter(Integer.class, value -> (int) parseWhole(value, Integer.MIN_VALUE, Integer.MAX_VALUE));
        cli.registerConverter(Integer.TYPE, value -> (int) parseWhole(value, Integer.MIN_VALUE, Integer.MAX_VALUE));
        cli.registerConverter(Long.class, value -> parseWhole(value, Long.MIN_VALUE, Long.MAX_VALUE));
        cli.registerConverter(Long.TYPE, value -> parseWhole(value, Long.MIN_VALUE, Long.MAX_VALUE));
        return cli;
    }

    /**
     * Go has no option with an optional value; wsbridge's ({@code --shared[=eager]}) take it only attached with
     * {@code =}, so that {@code --shared ./prog} does not read {@code ./prog} as the value: a bare one is given its
     * fallback value here, before picocli sees the command line. Stops at COMMAND or {@code --}.
     */
    static String[] bareOptionalValues(CommandSpec spec, String[] args) {
        String[] out = args.clone();
        for (int i = 0; i < out.length; i++) {
            String arg = out[i];
            if (arg.equals("--") || !arg.startsWith("-")) {
                break;
            }
            OptionSpec option = spec.findOption(arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg);
            if (option == null || arg.contains("=") || option.typeInfo().isBoolean()) {
                continue;
            }
            if (option.arity().min() == 0) {
                out[i] = arg + "=" + option.fallbackValue();
            } else {
                i++; // its value
            }
        }
        return out;
    }

    /** The stderr line for a malformed command line, naming the argument at fault. */
    static String describe(ParameterException e) {
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String arg = unmatched.getUnmatched().get(0);
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String hint = closestOption(name, e.getCommandLine().getCommandSpec())
                    .map(s -> " (did you mean " + s + "?)").orElse(" (see --help for the options)");
            // Go's wording, which websocketd prints and scripts may look for.
            return "flag provided but not defined: " + name + hint;
        }
        return e.getMessage();
    }

    // The option a typo most likely meant: at most a third of its letters wrong, or the start of its name.
    private static Optional<String> closestOption(String typed, CommandSpec spec) {
        String bare = typed.replaceFirst("^--?", "");
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (OptionSpec option : spec.options()) {
            String candidate = option.longestName().substring(2);
            int distance = candidate.startsWith(bare) && bare.length() >= 2 ? 0 : distance(bare, candidate);
            if (distance < bestDistance) {
                best = option.longestName();
                bestDistance = distance;
            }
        }
        return bestDistance <= Math.max(1, bare.length() / 3) ? Optional.ofNullable(best) : Optional.empty();
    }

    // Edit distance counting a swap of two neighbours as one edit (optimal string alignment).
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            for (int j = 0; j <= b.length(); j++) {
                if (i == 0 || j == 0) {
                    d[i][j] = i + j;
                    continue;
                }
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** Go's {@code time.ParseUint}-style options: milliseconds and sizes that cannot be negative. */
    public static final class Unsigned implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            long parsed = parseWhole(value, Long.MIN_VALUE, Long.MAX_VALUE);
            if (parsed < 0) {
                throw new TypeConversionException("'" + value + "' is negative; use a whole number >= 0");
            }
            return parsed;
        }
    }

    // Each long name --x also answers to -x. Done here once rather than in every annotation, so the help
    // shows one name per option and a new option cannot forget its Go spelling.
    private static void addSingleDashNames(CommandSpec spec) {
        for (OptionSpec option : new ArrayList<>(spec.options())) {
            List<String> names = new ArrayList<>(List.of(option.names()));
            for (String name : option.names()) {
                if (name.startsWith("--") && !names.contains(name.substring(1))) {
                    names.add(name.substring(1));
                }
            }
            spec.remove(option);
            spec.addOption(OptionSpec.builder(option).names(names.toArray(String[]::new)).build());
        }
    }

    // strconv.ParseBool's spellings.
    private static Boolean parseBool(String value) {
        return switch (value) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw new TypeConversionException("'" + value + "' is not a boolean; use true or false");
        };
    }

    private static long parseWhole(String value, long min, long max) {
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new TypeConversionException("'" + value + "' is not a whole number");
    }
}
