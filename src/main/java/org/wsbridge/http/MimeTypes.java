package org.wsbridge.http;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Content types for static files: one fixed table by file extension (text types carry
 * {@code ; charset=utf-8}, as Go's table does), and for unknown extensions a small sniff of the first bytes in
 * the spirit of Go's {@code http.DetectContentType}.
 */
final class MimeTypes {
    private static final String UTF8 = "; charset=utf-8";
    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("html", "text/html" + UTF8), Map.entry("htm", "text/html" + UTF8),
            Map.entry("xhtml", "application/xhtml+xml"),
            Map.entry("css", "text/css" + UTF8), Map.entry("js", "text/javascript" + UTF8),
            Map.entry("mjs", "text/javascript" + UTF8), Map.entry("json", "application/json"),
            Map.entry("map", "application/json"), Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("txt", "text/plain" + UTF8), Map.entry("text", "text/plain" + UTF8),
            Map.entry("log", "text/plain" + UTF8), Map.entry("md", "text/markdown" + UTF8),
            Map.entry("csv", "text/csv" + UTF8), Map.entry("tsv", "text/tab-separated-values" + UTF8),
            Map.entry("xml", "text/xml" + UTF8), Map.entry("ics", "text/calendar" + UTF8),
            Map.entry("vtt", "text/vtt" + UTF8), Map.entry("yaml", "application/yaml"),
            Map.entry("yml", "application/yaml"), Map.entry("rss", "application/rss+xml"),
            Map.entry("atom", "application/atom+xml"), Map.entry("wasm", "application/wasm"),
            Map.entry("pdf", "application/pdf"), Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"), Map.entry("tgz", "application/gzip"),
            Map.entry("tar", "application/x-tar"), Map.entry("bz2", "application/x-bzip2"),
            Map.entry("xz", "application/x-xz"), Map.entry("7z", "application/x-7z-compressed"),
            Map.entry("jar", "application/java-archive"), Map.entry("bin", "application/octet-stream"),
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"), Map.entry("avif", "image/avif"),
            Map.entry("svg", "image/svg+xml"), Map.entry("ico", "image/x-icon"), Map.entry("bmp", "image/bmp"),
            Map.entry("tif", "image/tiff"), Map.entry("tiff", "image/tiff"),
            Map.entry("woff", "font/woff"), Map.entry("woff2", "font/woff2"), Map.entry("ttf", "font/ttf"),
            Map.entry("otf", "font/otf"), Map.entry("mp3", "audio/mpeg"), Map.entry("ogg", "audio/ogg"),
            Map.entry("oga", "audio/ogg"), Map.entry("wav", "audio/wav"), Map.entry("flac", "audio/flac"),
            Map.entry("m4a", "audio/mp4"), Map.entry("aac", "audio/aac"), Map.entry("opus", "audio/opus"),
            Map.entry("mp4", "video/mp4"), Map.entry("m4v", "video/mp4"), Map.entry("webm", "video/webm"),
            Map.entry("ogv", "video/ogg"), Map.entry("mov", "video/quicktime"));

    private MimeTypes() {
    }

    /** The type for a file name's extension (case-insensitive), if the table knows it. */
    static Optional<String> forFileName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0 || dot == fileName.length() - 1) {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_EXTENSION.get(fileName.substring(dot + 1).toLowerCase(Locale.ROOT)));
    }

    /** A type guessed from up to the first 512 bytes of a file whose extension is unknown. */
    static String sniff(byte[] head, int length) {
        String start = new String(head, 0, Math.min(length, 64), StandardCharsets.ISO_8859_1)
                .stripLeading().toLowerCase(Locale.ROOT);
        if (start.startsWith("<!doctype html") || start.startsWith("<html") || start.startsWith("<head")
                || start.startsWith("<body") || start.startsWith("<script")) {
            return "text/html" + UTF8;
        }
        if (start.startsWith("<?xml")) {
            return "text/xml" + UTF8;
        }
        if (start.startsWith("%pdf-")) {
            return "application/pdf";
        }
        if (start.startsWith("\u0089png\r\n\u001a\n")) {
            return "image/png";
        }
        if (start.startsWith("gif87a") || start.startsWith("gif89a")) {
            return "image/gif";
        }
        for (int i = 0; i < length; i++) {
            int b = head[i] & 0xff;
            // Go's "binary data" bytes: control characters other than \t \n \f \r and ESC.
            if (b <= 0x08 || b == 0x0b || b >= 0x0e && b <= 0x1a || b >= 0x1c && b <= 0x1f) {
                return "application/octet-stream";
            }
        }
        return "text/plain" + UTF8;
    }
}
