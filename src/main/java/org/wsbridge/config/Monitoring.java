package org.wsbridge.config;

import java.util.OptionalInt;

/**
 * {@code --metrics} and {@code --metricsport}: whether {@code /metrics}, {@code /healthz} and {@code /readyz} are
 * served, and where.
 *
 * @param enabled {@code --metrics}
 * @param port    {@code --metricsport}: a listener of their own (plain HTTP, on each {@code --address}); empty to
 *                answer them on the main port
 */
public record Monitoring(boolean enabled, OptionalInt port) {
    /** Neither path served. */
    public static Monitoring off() {
        return new Monitoring(false, OptionalInt.empty());
    }
}
