package org.wsbridge.http;

import java.util.ArrayList;
import java.util.List;

/**
 * One satisfiable byte range of a file, parsed from a {@code Range: bytes=...} header with Go's
 * {@code http.ServeContent} rules: {@code a-b}, {@code a-} and suffix {@code -n}; an end past the file is cut to
 * the file; ranges starting past the end are skipped, and if none is left the request is unsatisfiable (416).
 *
 * @param start  first byte
 * @param length number of bytes, at least 1
 */
record ByteRange(long start, long length) {

    /** The outcome of parsing a Range header against a file size. */
    sealed interface Parsed permits Whole, Single, Invalid, Unsatisfiable {
    }

    /** Serve the whole file: no Range header, or several ranges (a multipart answer is not implemented). */
    record Whole() implements Parsed {
    }

    /** Serve one range with 206. */
    record Single(ByteRange range) implements Parsed {
    }

    /** Malformed header: 416 {@code invalid range}. */
    record Invalid() implements Parsed {
    }

    /** No range overlaps the file: 416 with {@code Content-Range: bytes *}{@code /size}. */
    record Unsatisfiable() implements Parsed {
    }

    /** The {@code Content-Range} value for this range of a file of {@code size} bytes. */
    String contentRange(long size) {
        return "bytes " + start + "-" + (start + length - 1) + "/" + size;
    }

    static Parsed parse(String header, long size) {
        if (header == null || header.isEmpty()) {
            return new Whole();
        }
        if (!header.startsWith("bytes=")) {
            return new Invalid();
        }
        List<ByteRange> ranges = new ArrayList<>();
        boolean noOverlap = false;
        for (String spec : header.substring("bytes=".length()).split(",", -1)) {
            spec = spec.strip();
            if (spec.isEmpty()) {
                continue;
            }
            int dash = spec.indexOf('-');
            if (dash < 0) {
                return new Invalid();
            }
            String first = spec.substring(0, dash).strip();
            String last = spec.substring(dash + 1).strip();
            if (first.isEmpty()) {
                long suffix = digits(last);
                if (suffix < 0) {
                    return new Invalid();
                }
                if (suffix == 0 || size == 0) {
                    noOverlap = true; // "-0" selects nothing (RFC 9110 14.1.1)
                    continue;
                }
                long n = Math.min(suffix, size);
                ranges.add(new ByteRange(size - n, n));
                continue;
            }
            long start = digits(first);
            if (start < 0) {
                return new Invalid();
            }
            if (start >= size) {
                noOverlap = true;
                continue;
            }
            long end = size - 1;
            if (!last.isEmpty()) {
                long requestedEnd = digits(last);
                if (requestedEnd < 0 || requestedEnd < start) {
                    return new Invalid();
                }
                end = Math.min(requestedEnd, size - 1);
            }
            ranges.add(new ByteRange(start, end - start + 1));
        }
        if (ranges.isEmpty()) {
            return noOverlap ? new Unsatisfiable() : new Invalid();
        }
        return ranges.size() == 1 ? new Single(ranges.get(0)) : new Whole();
    }

    /** A non-negative decimal number, or -1 when the text is not one (or overflows). */
    private static long digits(String text) {
        if (text.isEmpty() || text.length() > 18) {
            return -1;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(text);
    }
}
