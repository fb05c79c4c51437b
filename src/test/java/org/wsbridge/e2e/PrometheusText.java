package org.wsbridge.e2e;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser for the Prometheus text exposition format 0.0.4 (Prometheus' Java client ships no parser, and
 * none resolves from Maven here): every line must be a {@code # HELP}, a {@code # TYPE}, another comment, or a
 * sample {@code name{label="value",...} value [timestamp]} with the format's escapes; a family's TYPE comes before
 * its samples, its samples are contiguous, no series appears twice, and a histogram's buckets are cumulative and
 * end in {@code +Inf} equal to its {@code _count}. Anything else fails the parse.
 */
final class PrometheusText {
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern HELP = Pattern.compile("# HELP (" + METRIC_NAME + ") (.*)");
    private static final Pattern TYPE = Pattern.compile(
            "# TYPE (" + METRIC_NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern FLOAT = Pattern.compile(
            "[+-]?(?:Inf|NaN|(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)");

    /** One sample: a series (name and labels) and its value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    /** A metric family: its TYPE, HELP and samples. */
    record Family(String name, String type, String help, List<Sample> samples) {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    private PrometheusText() {
    }

    static PrometheusText parse(String text) {
        PrometheusText parsed = new PrometheusText();
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition must end with a line feed");
        }
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            try {
                parsed.line(lines[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage() + ": " + lines[i], e);
            }
        }
        parsed.families.values().forEach(PrometheusText::checkHistogram);
        return parsed;
    }

    private final Set<String> closedFamilies = new HashSet<>();
    private final Set<String> seriesSeen = new HashSet<>();
    private String current;
    private final Map<String, String> pendingHelp = new LinkedHashMap<>();

    private void line(String line) {
        if (line.isEmpty()) {
            throw new IllegalArgumentException("empty line");
        }
        if (line.startsWith("#")) {
            Matcher help = HELP.matcher(line);
            Matcher type = TYPE.matcher(line);
            if (help.matches()) {
                pendingHelp.put(help.group(1), unescape(help.group(2), false));
            } else if (type.matches()) {
                String name = type.group(1);
                if (families.containsKey(name)) {
                    throw new IllegalArgumentException("second TYPE for " + name);
                }
                open(name);
                families.put(name, new Family(name, type.group(2), pendingHelp.remove(name), new ArrayList<>()));
            } else if (line.startsWith("# HELP") || line.startsWith("# TYPE")) {
                throw new IllegalArgumentException("malformed HELP or TYPE");
            }
            return;
        }
        sample(line);
    }

    private void open(String family) {
        if (current != null && !current.equals(family)) {
            closedFamilies.add(current);
        }
        if (closedFamilies.contains(family)) {
            throw new IllegalArgumentException("samples of " + family + " are not contiguous");
        }
        current = family;
    }

    private void sample(String line) {
        Matcher name = METRIC_NAME.matcher(line);
        if (!name.lookingAt()) {
            throw new IllegalArgumentException("no metric name");
        }
        String metric = name.group();
        int pos = name.end();
        Map<String, String> labels = new TreeMap<>();
        if (pos < line.length() && line.charAt(pos) == '{') {
            pos = labels(line, pos + 1, labels);
        }
        if (pos >= line.length() || line.charAt(pos) != ' ') {
            throw new IllegalArgumentException("no space before the value");
        }
        String[] rest = line.substring(pos + 1).split(" ", -1);
        if (rest.length > 2 || !FLOAT.matcher(rest[0]).matches()
                || rest.length == 2 && !rest[1].matches("-?\\d+")) {
            throw new IllegalArgumentException("malformed value or timestamp");
        }
        double value = Double.parseDouble(rest[0].replace("Inf", "Infinity"));
        String family = familyOf(metric);
        open(family);
        if (!seriesSeen.add(metric + labels)) {
            throw new IllegalArgumentException("duplicate series " + metric + labels);
        }
        families.computeIfAbsent(family, f -> new Family(f, "untyped", null, new ArrayList<>()))
                .samples().add(new Sample(metric, labels, value));
    }

    /** Parses {@code a="x",b="y"}} from {@code pos}; returns the position after the closing brace. */
    private static int labels(String line, int pos, Map<String, String> labels) {
        while (true) {
            if (pos < line.length() && line.charAt(pos) == '}') {
                return pos + 1;
            }
            Matcher label = LABEL_NAME.matcher(line).region(pos, line.length());
            if (!label.lookingAt() || label.end() + 1 >= line.length()
                    || !line.startsWith("=\"", label.end())) {
                throw new IllegalArgumentException("malformed label at column " + (pos + 1));
            }
            StringBuilder value = new StringBuilder();
            int i = label.end() + 2;
            for (; i < line.length() && line.charAt(i) != '"'; i++) {
                char c = line.charAt(i);
                if (c == '\\') {
                    char next = i + 1 < line.length() ? line.charAt(++i) : ' ';
                    value.append(switch (next) {
                        case '\\' -> '\\';
                        case '"' -> '"';
                        case 'n' -> '\n';
                        default -> throw new IllegalArgumentException("bad escape \\" + next);
                    });
                } else {
                    value.append(c);
                }
            }
            if (i >= line.length()) {
                throw new IllegalArgumentException("unterminated label value");
            }
            if (labels.put(label.group(), value.toString()) != null) {
                throw new IllegalArgumentException("label " + label.group() + " twice");
            }
            pos = i + 1;
            if (pos < line.length() && line.charAt(pos) == ',') {
                pos++;
            } else if (pos >= line.length() || line.charAt(pos) != '}') {
                throw new IllegalArgumentException("expected , or } at column " + (pos + 1));
            }
        }
    }

    /** The family a sample belongs to: its name, or the histogram/summary/counter it is a part of. */
    private String familyOf(String metric) {
        if (families.containsKey(metric)) {
            return metric;
        }
        for (String suffix : List.of("_bucket", "_count", "_sum", "_total", "_created")) {
            if (metric.endsWith(suffix)) {
                String base = metric.substring(0, metric.length() - suffix.length());
                Family family = families.get(base);
                if (family != null && !family.type().equals("gauge") && !family.type().equals("untyped")) {
                    return base;
                }
            }
        }
        return metric;
    }

    private static void checkHistogram(Family family) {
        if (!family.type().equals("histogram")) {
            return;
        }
        Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
        Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
        for (Sample s : family.samples()) {
            if (s.name().equals(family.name() + "_bucket")) {
                Map<String, String> series = new TreeMap<>(s.labels());
                if (series.remove("le") == null) {
                    throw new IllegalArgumentException(family.name() + ": a bucket without le");
                }
                buckets.computeIfAbsent(series, k -> new ArrayList<>()).add(s);
            } else if (s.name().equals(family.name() + "_count")) {
                counts.put(s.labels(), s.value());
            }
        }
        buckets.forEach((series, list) -> {
            double previousBound = Double.NEGATIVE_INFINITY;
            double previousCount = 0;
            for (Sample b : list) {
                double bound = Double.parseDouble(b.labels().get("le").replace("Inf", "Infinity"));
                if (bound <= previousBound || b.value() < previousCount) {
                    throw new IllegalArgumentException(family.name() + series + ": buckets not cumulative");
                }
                previousBound = bound;
                previousCount = b.value();
            }
            if (previousBound != Double.POSITIVE_INFINITY || !Double.valueOf(previousCount).equals(counts.get(series))) {
                throw new IllegalArgumentException(family.name() + series + ": no +Inf bucket equal to _count");
            }
        });
    }

    private static String unescape(String text, boolean quotes) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(++i);
                if (next == 'n') {
                    out.append('\n');
                } else if (next == '\\' || quotes && next == '"') {
                    out.append(next);
                } else {
                    throw new IllegalArgumentException("bad escape \\" + next);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    Family family(String name) {
        Family family = families.get(name);
        if (family == null) {
            throw new AssertionError("no metric family " + name + " in " + families.keySet());
        }
        return family;
    }

    /** The value of the sample {@code name} with exactly these labels (as name, value pairs); NaN when absent. */
    double value(String name, String... labels) {
        Map<String, String> wanted = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        for (Family family : families.values()) {
            for (Sample s : family.samples()) {
                if (s.name().equals(name) && s.labels().equals(wanted)) {
                    return s.value();
                }
            }
        }
        return Double.NaN;
    }
}
