package org.wsbridge.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The {@code --config} file: a TOML file whose keys are the long option names ({@code port = 8080},
 * {@code header = ["X-A: 1", "X-B: 2"]}) plus {@code command = ["./prog", "arg"]} for COMMAND and its arguments;
 * or the same keys and values in YAML when the name ends in {@code .yaml} or {@code .yml}.
 * It is turned into command-line arguments for the options the command line does not give, placed before the
 * real ones, so the command line wins by construction and each value goes through the same converters and
 * checks as if typed. The only class that touches Jackson: nothing of it is loaded unless a file is read or
 * printed.
 */
final class ConfigFile {
    /** The key for COMMAND and its arguments. */
    static final String COMMAND = "command";
    /** Options that make no sense in a file. */
    private static final Set<String> NOT_IN_FILE = Set.of("config", "print-config", "help", "version", "license");

    /** The file's syntax, chosen by its name. */
    enum Format {
        TOML, YAML;

        static Format of(String fileName) {
            String name = fileName.toLowerCase(java.util.Locale.ROOT);
            return name.endsWith(".yaml") || name.endsWith(".yml") ? YAML : TOML;
        }

        ObjectMapper mapper() {
            if (this == TOML) {
                return new TomlMapper();
            }
            // TOML refuses a key defined twice; YAML's parsers keep the last one unless told not to.
            return YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        }
    }

    private final Path file;
    private final Format format;
    private final String text;
    private final JsonNode root;
    /** Line of each top-level key, for YAML (whose parser knows it); TOML's are found in the text. */
    private final Map<String, Integer> keyLines;
    /** Options whose value came from the file, by option name ({@code --port}), to name the file in errors. */
    private final Map<String, String> fromFile = new LinkedHashMap<>();

    private ConfigFile(Path file, Format format, String text, JsonNode root, Map<String, Integer> keyLines) {
        this.file = file;
        this.format = format;
        this.text = text;
        this.root = root;
        this.keyLines = keyLines;
    }

    /**
     * Reads and parses {@code name} (resolved against the working directory); only the TOML or YAML syntax is
     * checked.
     */
    static ConfigFile read(String name, Invocation invocation) throws UsageError {
        Path file = invocation.workingDirectory().resolve(name);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageError(WsbridgeCommand.EXIT_INVALID, false,
                    "Cannot read the configuration file " + name + ": " + reason(e));
        }
        Format format = Format.of(name);
        try {
            ObjectMapper mapper = format.mapper();
            JsonNode root = mapper.readTree(text);
            if (root == null || root.isMissingNode() || root.isNull()) {
                root = mapper.createObjectNode(); // an empty YAML file
            }
            if (!root.isObject()) {
                throw error(Path.of(name), 1, "the file must map option names to values, not be " + describe(root));
            }
            Map<String, Integer> lines = format == Format.YAML ? yamlKeyLines(mapper, text) : Map.of();
            return new ConfigFile(Path.of(name), format, text, root, lines);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw error(Path.of(name), line, "not valid " + format + ": " + e.getOriginalMessage());
        }
    }

    // The YAML parser reports where each token starts: the line of every key of the top-level mapping.
    private static Map<String, Integer> yamlKeyLines(ObjectMapper mapper, String text) throws JsonProcessingException {
        Map<String, Integer> lines = new LinkedHashMap<>();
        try (JsonParser parser = mapper.createParser(text)) {
            int depth = 0;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token.isStructStart()) {
                    depth++;
                } else if (token.isStructEnd()) {
                    depth--;
                } else if (token == JsonToken.FIELD_NAME && depth == 1) {
                    lines.putIfAbsent(parser.currentName(), parser.currentTokenLocation().getLineNr());
                }
            }
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a String does not fail to read
        }
        return lines;
    }

    /**
     * The arguments to parse instead of {@code args}: one {@code --key=value} per file value whose option
     * {@code given} (the parse of the command line alone) did not match and that is not in {@code elsewhere} (set
     * by the environment), then {@code args}, then the file's {@code command} if the command line has none.
     */
    List<String> arguments(CommandSpec spec, ParseResult given, Set<String> elsewhere, List<String> args)
            throws UsageError {
        List<String> merged = new ArrayList<>();
        List<String> command = List.of();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            if (key.equals(COMMAND)) {
                command = strings(key, value, "a list of strings (the program, then its arguments)");
                if (command.isEmpty()) {
                    throw error(file, lineOf(key), "command must not be empty");
                }
                continue;
            }
            OptionSpec option = key.matches("[a-z][a-z-]*") && !NOT_IN_FILE.contains(key)
                    ? spec.findOption("--" + key) : null;
            if (option == null || !option.longestName().equals("--" + key)) {
                throw error(file, lineOf(key), "unknown key " + key + (NOT_IN_FILE.contains(key)
                        ? " (not allowed in a configuration file)"
                        : " (the keys are the long option names without --, and command)"));
            }
            if (given.hasMatchedOption(option) || elsewhere.contains(option.longestName())) {
                continue; // the command line and the environment win
            }
            for (String one : values(key, option, value)) {
                merged.add("--" + key + "=" + one);
            }
            fromFile.put(option.longestName(), key);
        }
        List<String> rest = new ArrayList<>(args);
        merged.addAll(rest);
        if (given.matchedPositionals().isEmpty() && !command.isEmpty()) {
            if (!rest.isEmpty() && rest.get(rest.size() - 1).equals("--")) {
                merged.remove(merged.size() - 1);
            }
            merged.add("--");
            merged.addAll(command);
        }
        return merged;
    }

    /** The error for a value from the file that the option's converter refused, else null. */
    UsageError describe(ParameterException e) {
        ArgSpec arg = e.getArgSpec();
        if (arg instanceof OptionSpec option && fromFile.containsKey(option.longestName())) {
            String key = fromFile.get(option.longestName());
            String message = e.getMessage().replaceFirst("^Invalid value for option '[^']*': ", "");
            return error(file, lineOf(key), key + ": " + message);
        }
        return null;
    }

    /**
     * The effective configuration as a file that {@code --config} reads back into the same configuration: every
     * option with a value except those that make no sense in a file, then {@code command}.
     */
    static String print(CommandSpec spec, Format format) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (OptionSpec option : spec.options()) {
            String key = option.longestName().substring(2);
            Object value = option.getValue();
            if (!NOT_IN_FILE.contains(key) && value != null) {
                values.put(key, value);
            }
        }
        List<String> command = spec.positionalParameters().isEmpty() ? List.of()
                : spec.positionalParameters().get(0).getValue();
        if (command != null && !command.isEmpty()) {
            values.put(COMMAND, command);
        }
        try {
            return format.mapper().writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the configuration as " + format, e);
        }
    }

    // The option's values as command-line text, after checking the TOML type against the option's type.
    private List<String> values(String key, OptionSpec option, JsonNode value) throws UsageError {
        Class<?> type = option.type();
        if (option.isMultiValue()) {
            return strings(key, value, "a string or a list of strings");
        }
        if (type == boolean.class || type == Boolean.class) {
            return List.of(String.valueOf(expect(key, value, value.isBoolean(), "true or false").booleanValue()));
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return List.of(expect(key, value, value.isIntegralNumber(), "a whole number").asText());
        }
        return List.of(expect(key, value, value.isTextual(), "a string").textValue());
    }

    private List<String> strings(String key, JsonNode value, String wanted) throws UsageError {
        if (value.isTextual()) {
            return List.of(value.textValue());
        }
        expect(key, value, value.isArray(), wanted);
        List<String> strings = new ArrayList<>();
        for (JsonNode element : value) {
            strings.add(expect(key, element, element.isTextual(), wanted).textValue());
        }
        return strings;
    }

    private JsonNode expect(String key, JsonNode value, boolean ok, String wanted) throws UsageError {
        if (!ok) {
            throw error(file, lineOf(key), key + " must be " + wanted + ", not " + describe(value));
        }
        return value;
    }

    private static String describe(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> value.isIntegralNumber() ? "a whole number" : "a decimal number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "a list";
            case OBJECT -> "a table";
            default -> value.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }

    // Jackson's TOML parser builds a tree first and keeps no locations (its JsonLocation says -1), so the
    // line is where the key is defined: "key =", a quoted key, a dotted key or a [table] header.
    private int lineOf(String key) {
        if (format == Format.YAML) {
            return keyLines.getOrDefault(key, 0);
        }
        String name = Pattern.quote(key);
        Matcher m = Pattern.compile("(?m)^[ \\t]*\\[*[ \\t]*(?:" + name + "|\"" + name + "\"|'" + name + "')"
                + "[ \\t]*[=.\\]]").matcher(text);
        if (!m.find()) {
            return 0;
        }
        return (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
    }

    private static UsageError error(Path file, int line, String message) {
        return new UsageError(WsbridgeCommand.EXIT_USAGE, false,
                "Invalid configuration file: " + file + (line > 0 ? ":" + line : "") + ": " + message);
    }

    private static String reason(IOException e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : String.valueOf(e.getMessage());
    }
}
