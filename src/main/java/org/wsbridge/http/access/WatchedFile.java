package org.wsbridge.http.access;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.wsbridge.log.LogScope;

/**
 * A credential file that is read again when it changes: at most once a second a request looks at its modification
 * time, size and inode (one {@code stat}, no thread of its own), and only a changed file is re-read. Unusable lines
 * of a changed file are logged and left out, so a revoked credential stays revoked; a file that cannot be read
 * (e.g. while it is being replaced) keeps the previous contents until the next look. Thread-safe.
 */
final class WatchedFile<T> {
    static final long CHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private record Stamp(long modifiedNanos, long size, Object fileKey) {
    }

    private final Path path;
    private final CredentialFile.Parser<T> parser;
    private final LogScope log;
    private final LongSupplier nanoTime;
    private T value;
    private Stamp stamp;
    private long lastLook;

    /** Reads the file now; its problems are the caller's to report (at startup they are errors). */
    WatchedFile(Path path, CredentialFile.Parser<T> parser, LogScope log, LongSupplier nanoTime) throws IOException {
        this.path = path;
        this.parser = parser;
        this.log = log;
        this.nanoTime = nanoTime;
        this.stamp = stamp();
        this.value = CredentialFile.read(path, parser).value();
        this.lastLook = nanoTime.getAsLong();
    }

    /** The file's contents, re-read first if it changed since the last look and a second has passed. */
    synchronized T current() {
        long now = nanoTime.getAsLong();
        if (now - lastLook < CHECK_INTERVAL_NANOS) {
            return value;
        }
        lastLook = now;
        try {
            Stamp seen = stamp();
            if (!seen.equals(stamp)) {
                CredentialFile<T> read = CredentialFile.read(path, parser);
                read.problems().forEach(p -> log.error("auth", p + " (line ignored)"));
                value = read.value();
                stamp = seen;
                log.info("auth", "Re-read " + path + " after it changed");
            }
        } catch (IOException e) {
            log.error("auth", "Cannot re-read " + path + " (" + e + "); still using its previous contents");
        }
        return value;
    }

    private Stamp stamp() throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        return new Stamp(attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS), attributes.size(),
                Objects.requireNonNullElse(attributes.fileKey(), ""));
    }
}
