package org.wsbridge.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;
import org.wsbridge.process.ExitStatus;
import org.wsbridge.process.FdBudget;
import org.wsbridge.process.posix.Signals;

/**
 * {@code --metrics} through Prometheus' Java client: one registry per server, scraped as Prometheus text. Data
 * points with a fixed label are looked up once and held, so a report is an increment, not a label lookup.
 */
public final class PrometheusMetrics implements Metrics {
    private static final double NANOS_PER_SECOND = 1e9;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Map<Endpoint, GaugeDataPoint> open = new EnumMap<>(Endpoint.class);
    private final Map<Endpoint, CounterDataPoint> total = new EnumMap<>(Endpoint.class);
    private final Map<Endpoint, DistributionDataPoint> duration = new EnumMap<>(Endpoint.class);
    private final Map<Endpoint, Traffic> traffic = new EnumMap<>(Endpoint.class);
    private final CounterDataPoint spawnFailures;
    private final DistributionDataPoint spawnSeconds;
    private final Counter refusals;
    private final Counter exits;

    /** @param fds the descriptor budget whose use and limit are reported at each scrape */
    public PrometheusMetrics(FdBudget fds) {
        Gauge openGauge = Gauge.builder().name("wsbridge_sessions_open")
                .help("WebSocket sessions open now, by endpoint (program or relay)")
                .labelNames("endpoint").withoutExemplars().register(registry);
        Counter totalCounter = Counter.builder().name("wsbridge_sessions_total")
                .help("WebSocket sessions opened since start, by endpoint (program or relay)")
                .labelNames("endpoint").withoutExemplars().register(registry);
        Histogram durationHistogram = Histogram.builder().name("wsbridge_session_duration_seconds")
                .help("How long WebSocket sessions stayed open, by endpoint").unit(Unit.SECONDS)
                .labelNames("endpoint").classicOnly()
                .classicUpperBounds(0.1, 1, 10, 60, 300, 1800, 3600, 14400, 86400).withoutExemplars()
                .register(registry);
        Counter messages = Counter.builder().name("wsbridge_messages_total")
                .help("WebSocket data messages, by endpoint and direction (in: from clients, out: to clients)")
                .labelNames("endpoint", "direction").withoutExemplars().register(registry);
        Counter bytes = Counter.builder().name("wsbridge_message_bytes_total")
                .help("Payload bytes of WebSocket data messages, by endpoint and direction")
                .labelNames("endpoint", "direction").withoutExemplars().register(registry);
        for (Endpoint endpoint : Endpoint.values()) {
            traffic.put(endpoint, new Counted(
                    messages.labelValues(endpoint.label(), "in"), bytes.labelValues(endpoint.label(), "in"),
                    messages.labelValues(endpoint.label(), "out"), bytes.labelValues(endpoint.label(), "out")));
            open.put(endpoint, openGauge.labelValues(endpoint.label()));
            total.put(endpoint, totalCounter.labelValues(endpoint.label()));
            duration.put(endpoint, durationHistogram.labelValues(endpoint.label()));
        }
        spawnFailures = Counter.builder().name("wsbridge_spawn_failures_total")
                .help("Programs that could not be started for an upgrade").withoutExemplars().register(registry);
        spawnSeconds = Histogram.builder().name("wsbridge_spawn_duration_seconds")
                .help("Time to start a session's program (fork and exec)").unit(Unit.SECONDS).classicOnly()
                .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1)
                .withoutExemplars().register(registry);
        refusals = Counter.builder().name("wsbridge_upgrade_refusals_total")
                .help("Upgrade requests answered with an HTTP error instead of 101, by status")
                .labelNames("status").withoutExemplars().register(registry);
        exits = Counter.builder().name("wsbridge_child_exits_total")
                .help("Session programs that ended, by how: exit (status is the exit code) or signal (its name)")
                .labelNames("reason", "status").withoutExemplars().register(registry);
        GaugeWithCallback.builder().name("wsbridge_fds_open")
                .help("File descriptors wsbridge has open (counted at each scrape)")
                .callback(cb -> cb.call(fds.inUse())).register(registry);
        GaugeWithCallback.builder().name("wsbridge_fds_limit")
                .help("The open-files limit in force (RLIMIT_NOFILE)")
                .callback(cb -> cb.call(fds.limit())).register(registry);
    }

    @Override
    public Traffic traffic(Endpoint endpoint) {
        return traffic.get(endpoint);
    }

    /** The four counters of one endpoint's traffic, held. */
    private record Counted(CounterDataPoint messagesIn, CounterDataPoint bytesIn, CounterDataPoint messagesOut,
                           CounterDataPoint bytesOut) implements Traffic {
        @Override
        public void received(boolean messageStart, int bytes) {
            if (messageStart) {
                messagesIn.inc();
            }
            bytesIn.inc(bytes);
        }

        @Override
        public void sent(int bytes) {
            messagesOut.inc();
            bytesOut.inc(bytes);
        }
    }

    @Override
    public void sessionOpened(Endpoint endpoint) {
        open.get(endpoint).inc();
        total.get(endpoint).inc();
    }

    @Override
    public void sessionClosed(Endpoint endpoint, long nanos) {
        open.get(endpoint).dec();
        duration.get(endpoint).observe(nanos / NANOS_PER_SECOND);
    }

    @Override
    public void spawned(long nanos) {
        spawnSeconds.observe(nanos / NANOS_PER_SECOND);
    }

    @Override
    public void spawnFailed() {
        spawnFailures.inc();
    }

    @Override
    public void upgradeRefused(int status) {
        refusals.labelValues(Integer.toString(status)).inc(); // a handful of codes: a bounded label set
    }

    @Override
    public void childExited(ExitStatus status) {
        // At most 256 exit codes and 64 signals: bounded.
        if (status.exited()) {
            exits.labelValues("exit", Integer.toString(status.exitCode())).inc();
        } else if (status.signalled()) {
            exits.labelValues("signal", Signals.name(status.signal())).inc();
        }
    }

    /** Every metric in the Prometheus text format (version 0.0.4). */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /** The Content-Type of {@link #scrape()}. */
    public String contentType() {
        return writer.getContentType();
    }
}
