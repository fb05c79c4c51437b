package org.wsbridge.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Options from wsbridge's environment: {@code WSBRIDGE_PORT=8080} for {@code --port=8080}, one variable per long
 * option ({@code WSBRIDGE_} and the name in capitals, dashes as underscores: {@code WSBRIDGE_HEADER_WS}). A
 * repeatable option takes one value a line. They become command-line arguments for the options the command line
 * does not give, so each value goes through the same checks as if typed; they in turn hide the {@code --config}
 * file's values. Variables that name no option (the launcher's {@code WSBRIDGE_HEAP}…) are not options and are
 * left alone.
 */
final class EnvironmentOptions {
    static final String PREFIX = "WSBRIDGE_";
    /** Options that make no sense as a standing setting; {@code --config} itself may come from here. */
    private static final Set<String> NOT_FROM_ENVIRONMENT = Set.of("--print-config", "--help", "--version",
            "--license");

    /** The arguments, in the order of the options' declaration. */
    private final List<String> arguments;
    /** The variable each option came from, by option name ({@code --port}), to name it in errors. */
    private final Map<String, String> variables;

    private EnvironmentOptions(List<String> arguments, Map<String, String> variables) {
        this.arguments = List.copyOf(arguments);
        this.variables = Map.copyOf(variables);
    }

    /** The variables for options that {@code given} (the parse of the command line alone) did not match. */
    static EnvironmentOptions of(CommandSpec spec, ParseResult given, Invocation invocation) {
        List<String> arguments = new ArrayList<>();
        Map<String, String> variables = new LinkedHashMap<>();
        for (OptionSpec option : spec.options()) {
            String name = option.longestName();
            String variable = variable(name);
            String bytes = invocation.environment().get(variable);
            if (bytes == null || NOT_FROM_ENVIRONMENT.contains(name) || given.hasMatchedOption(option)) {
                continue;
            }
            // Like file names in Invocation.path(): the variable's bytes are UTF-8 text.
            String value = new String(bytes.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            for (String one : option.isMultiValue() ? value.lines().toList() : List.of(value)) {
                arguments.add(name + "=" + one);
            }
            variables.put(name, variable);
        }
        return new EnvironmentOptions(arguments, variables);
    }

    /** {@code --header-ws} → {@code WSBRIDGE_HEADER_WS}. */
    static String variable(String longName) {
        return PREFIX + longName.substring(2).replace('-', '_').toUpperCase(Locale.ROOT);
    }

    List<String> arguments() {
        return arguments;
    }

    /** The option names ({@code --port}) given here. */
    Set<String> options() {
        return variables.keySet();
    }

    /** The value of {@code option} given here, else null (for {@code --config}). */
    String value(String option) {
        String prefix = option + "=";
        return arguments.stream().filter(a -> a.startsWith(prefix)).map(a -> a.substring(prefix.length()))
                .findFirst().orElse(null);
    }

    /** The error for a value from here that the option's converter refused, else null. */
    UsageError describe(ParameterException e) {
        ArgSpec arg = e.getArgSpec();
        if (arg instanceof OptionSpec option && variables.containsKey(option.longestName())) {
            String message = e.getMessage().replaceFirst("^Invalid value for option '[^']*': ", "");
            return new UsageError(WsbridgeCommand.EXIT_USAGE, false, "Invalid environment variable "
                    + variables.get(option.longestName()) + ": " + message);
        }
        return null;
    }
}
