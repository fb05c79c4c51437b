package org.wsbridge.config;

import java.util.List;
import java.util.Objects;

/**
 * What SIGHUP changes: the configuration to switch to and the options that differ from the running ones.
 *
 * @param config  the running configuration with every part that can change without a restart taken from the
 *                re-read one ({@link Config#withChangeable})
 * @param applied the options ({@code --origin}) whose new values {@code config} puts in force
 * @param ignored the options that differ but only take effect after a restart
 * @param commit  run it once {@code config} is in force: the next reload then compares against it
 */
public record Reload(Config config, List<String> applied, List<String> ignored, Runnable commit) {
    public Reload {
        Objects.requireNonNull(config, "config");
        applied = List.copyOf(applied);
        ignored = List.copyOf(ignored);
        Objects.requireNonNull(commit, "commit");
    }
}
