package org.wsbridge.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.wsbridge.config.Config;
import org.wsbridge.config.ConfigSource;
import org.wsbridge.config.Reload;
import org.wsbridge.config.ReloadException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * SIGHUP's {@link ConfigSource}: parses the original command line again (so a {@code --config} file is read as
 * it is now), and compares each option's value with the one in force. Options in {@link #CHANGEABLE} take effect
 * (see {@link Config#withChangeable}); any other that differs is reported as needing a restart, on every reload
 * until wsbridge restarts. Not thread-safe: the server calls it one reload at a time.
 */
final class ConfigRereader implements ConfigSource {
    /** The options a reload puts in force; everything else is bound at startup. */
    static final Set<String> CHANGEABLE = Set.of("--origin", "--sameorigin", "--header", "--header-ws",
            "--header-http", "--loglevel", "--auth-token", "--auth-basic", "--auth-command", "--maxframesize",
            "--maxlinesize", "--pingms", "--cgitimeout", "--cgimaxbody", "--subprotocol", "--subprotocoloptional",
            "--compress", "--compressmin", "--passenv", "--basepath", "--trustproxy");
    /** Credentials can change, but not be turned on or off: the access check is part of each connection. */
    private static final Set<String> CREDENTIALS = Set.of("--auth-token", "--auth-basic", "--auth-command");
    /** Not configuration: what to do instead of serving, or where the configuration is. */
    private static final Set<String> NOT_COMPARED = Set.of("--config", "--print-config", "--help", "--version",
            "--license");
    /** The name COMMAND and its arguments are reported under. */
    private static final String COMMAND = "COMMAND";

    private final String[] args;
    private final Invocation invocation;
    private Map<String, Object> inForce;
    private Config running;

    ConfigRereader(String[] args, Invocation invocation, CommandSpec started, Config running) {
        this.args = args.clone();
        this.invocation = invocation;
        this.inForce = values(started);
        this.running = running;
    }

    @Override
    public Reload reread() throws ReloadException {
        WsbridgeCommand.Parsed parsed;
        try {
            parsed = WsbridgeCommand.parse(args, invocation);
        } catch (UsageError e) {
            throw new ReloadException(e.getMessage());
        }
        Map<String, Object> read = values(parsed.spec());
        boolean accessFlips = running.access().required() != parsed.config().access().required();
        List<String> applied = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        Map<String, Object> next = new LinkedHashMap<>(inForce);
        for (Map.Entry<String, Object> option : read.entrySet()) {
            String name = option.getKey();
            if (Objects.equals(option.getValue(), inForce.get(name))) {
                continue;
            }
            if (CHANGEABLE.contains(name) && !(accessFlips && CREDENTIALS.contains(name))) {
                applied.add(name);
                next.put(name, option.getValue());
            } else {
                ignored.add(name);
            }
        }
        Config config = running.withChangeable(parsed.config());
        return new Reload(config, applied, ignored, () -> {
            inForce = next;
            running = config;
        });
    }

    /** Every option's value by its long name, and COMMAND's, as the parse left them. */
    private static Map<String, Object> values(CommandSpec spec) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (OptionSpec option : spec.options()) {
            if (!NOT_COMPARED.contains(option.longestName())) {
                values.put(option.longestName(), option.getValue());
            }
        }
        values.put(COMMAND, spec.positionalParameters().isEmpty() ? List.of()
                : spec.positionalParameters().get(0).getValue());
        return values;
    }
}
