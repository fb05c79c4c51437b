package org.wsbridge.http;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.wsbridge.request.HtmlText;

/**
 * The HTML page for a directory without an index.html: one link per entry inside a {@code <pre>}, sorted by
 * name, directories with a trailing slash, as Go's {@code http.FileServer} lists them. Names are
 * percent-encoded in the link and HTML-escaped in the text, so no file name can inject markup.
 */
final class DirectoryListing {
    private DirectoryListing() {
    }

    static String render(Path directory) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                // A symlink is listed as what it is, not what it points to (Go's ReadDir does the same).
                boolean isDirectory = Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS);
                names.add(entry.getFileName().toString() + (isDirectory ? "/" : ""));
            }
        }
        names.sort(null);
        StringBuilder html = new StringBuilder(64 + names.size() * 48);
        html.append("<!doctype html>\n<meta name=\"viewport\" content=\"width=device-width\">\n<pre>\n");
        for (String name : names) {
            boolean isDirectory = name.endsWith("/");
            String bare = isDirectory ? name.substring(0, name.length() - 1) : name;
            String href = RequestTarget.encodeSegment(bare) + (isDirectory ? "/" : "");
            html.append("<a href=\"").append(HtmlText.escape(href)).append("\">")
                    .append(HtmlText.escape(name)).append("</a>\n");
        }
        return html.append("</pre>\n").toString();
    }
}
