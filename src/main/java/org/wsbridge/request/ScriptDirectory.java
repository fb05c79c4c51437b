package org.wsbridge.request;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code --dir} mode: the URL path is walked below the directory one component at a time; the first component
 * that is not a directory is the script, and whatever follows it becomes PATH_INFO. A missing component, a path
 * that ends on a directory, or a script whose real path (after symlinks) leaves the directory is "not found".
 */
public final class ScriptDirectory implements ScriptResolver {
    private final Path root;
    private final Path realRoot;

    public ScriptDirectory(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.realRoot = this.root.toRealPath();
    }

    @Override
    public ScriptTarget resolve(String uri) {
        int q = uri.indexOf('?');
        // Decoded bytes, read as UTF-8 for the file system (the JVM's file names are UTF-8 under the launcher).
        String decoded = CgiRequests.percentDecode(q < 0 ? uri : uri.substring(0, q));
        String path = new String(decoded.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        Path current = root;
        int i = 0;
        while (i < path.length()) {
            int start = path.charAt(i) == '/' ? i + 1 : i;
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            String component = path.substring(start, end);
            if (component.isEmpty()) {
                return null; // "//" or a trailing slash on a directory: no script named
            }
            if (component.equals("..") || component.equals(".") || component.indexOf('\0') >= 0) {
                return null;
            }
            current = current.resolve(component);
            if (Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)
                    || Files.isDirectory(current) && inside(current)) {
                i = end;
                continue;
            }
            if (!Files.isRegularFile(current) || !inside(current)) {
                return null;
            }
            String scriptName = urlPrefix(uri, q, end);
            String pathInfo = decoded.substring(byteOffset(path, end));
            byte[] argv0 = current.toString().getBytes(StandardCharsets.UTF_8);
            return new ScriptTarget(List.of(argv0), current.toString(), scriptName, pathInfo);
        }
        return null; // the path ended on a directory
    }

    /** True when the real path (all symlinks resolved) stays below the directory's real path. */
    private boolean inside(Path p) {
        try {
            return p.toRealPath().startsWith(realRoot);
        } catch (IOException e) {
            return false;
        }
    }

    /** SCRIPT_NAME: the decoded URL path up to the end of the script's component. */
    private static String urlPrefix(String uri, int q, int endInPath) {
        String decoded = CgiRequests.percentDecode(q < 0 ? uri : uri.substring(0, q));
        String path = new String(decoded.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        return decoded.substring(0, byteOffset(path, endInPath));
    }

    /** The byte offset (in the byte string) of a char offset in the UTF-8 decoded path. */
    private static int byteOffset(String utf8Path, int charOffset) {
        return utf8Path.substring(0, charOffset).getBytes(StandardCharsets.UTF_8).length;
    }
}
