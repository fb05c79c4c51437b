package org.wsbridge.http;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The one safe mapping from a URL path to a file below a root directory. A path resolves only when its real path
 * (every symlink followed) still lies inside the root and outside every excluded subtree; anything else looks
 * missing, so a symlink that leaves the root cannot even be detected from outside.
 *
 * <p>Callers pass a decoded, cleaned, rooted path ({@link CleanPathRedirect#cleanPath}), which cannot climb above
 * the root lexically; the real-path check then catches symlinks. The file is opened after this check, so a
 * symlink swapped in between could still be followed; opening with {@code NOFOLLOW_LINKS} narrows that to
 * directories, which an attacker would need write access inside the root to swap.
 */
public final class PathResolver {
    private final Path givenRoot;
    private final Path root;
    private final List<Path> excluded;

    /**
     * @param root     the directory served
     * @param excluded subtrees never served even when inside the root (e.g. the CGI directory); those that do
     *                 not exist are ignored
     * @throws IOException when the root does not exist or cannot be read
     */
    public PathResolver(Path root, Collection<Path> excluded) throws IOException {
        this.givenRoot = root.toAbsolutePath().normalize();
        this.root = root.toRealPath();
        List<Path> real = new ArrayList<>();
        for (Path path : excluded) {
            if (Files.exists(path)) {
                real.add(path.toRealPath());
            }
        }
        this.excluded = List.copyOf(real);
    }

    /** What a URL path maps to. */
    public enum Kind { FILE, DIRECTORY, NOT_FOUND, FORBIDDEN, ERROR }

    /**
     * @param kind       what was found
     * @param realPath   the file's real path for FILE and DIRECTORY, else null
     * @param attributes its attributes for FILE and DIRECTORY, else null
     */
    public record Resolution(Kind kind, Path realPath, BasicFileAttributes attributes) {
        static Resolution of(Kind kind) {
            return new Resolution(kind, null, null);
        }
    }

    /**
     * A script named by the first segments of a URL path ({@code --cgidir}).
     *
     * @param file     the script's path below the root as given (symbolic links kept, as Go's CGI runs it), for
     *                 argv, SCRIPT_FILENAME and the working directory; its real path was checked
     * @param segments how many leading segments named it; the rest of the URL path is PATH_INFO
     */
    public record Script(Path file, int segments) {
    }

    /**
     * Walks decoded, cleaned path segments below the root: directories are entered and the first regular file is
     * the script (RFC 3875: what follows becomes PATH_INFO). Each step is checked as {@link #resolvePath} checks
     * a path, so nothing whose real path leaves the root or enters an excluded subtree is ever returned.
     *
     * @return empty when a segment is missing, the walk ends on a directory, or a step is refused
     */
    public Optional<Script> findScript(List<String> segments) {
        Path candidate = givenRoot;
        for (int i = 0; i < segments.size(); i++) {
            String segment = segments.get(i);
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.indexOf('\0') >= 0) {
                return Optional.empty();
            }
            try {
                candidate = candidate.resolve(segment);
            } catch (InvalidPathException e) {
                return Optional.empty();
            }
            Kind kind = resolvePath(candidate).kind();
            if (kind == Kind.FILE) {
                return Optional.of(new Script(candidate, i + 1));
            }
            if (kind != Kind.DIRECTORY) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** @param urlPath decoded, cleaned and rooted ({@code /}, {@code /a/b.txt}, {@code /dir/}) */
    public Resolution resolve(String urlPath) {
        Path candidate = root;
        for (String segment : urlPath.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.equals(".") || segment.equals("..") || segment.indexOf('\0') >= 0) {
                return Resolution.of(Kind.NOT_FOUND); // never produced by cleaning; refused in case a caller forgets
            }
            try {
                candidate = candidate.resolve(segment);
            } catch (InvalidPathException e) {
                return Resolution.of(Kind.NOT_FOUND); // a name the file-system encoding cannot express
            }
        }
        return resolvePath(candidate);
    }

    /** Checks one file system path (e.g. an index file or a listing entry) the same way. */
    public Resolution resolvePath(Path candidate) {
        Path real;
        BasicFileAttributes attributes;
        try {
            real = candidate.toRealPath();
            attributes = Files.readAttributes(real, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return Resolution.of(Kind.NOT_FOUND);
        } catch (AccessDeniedException e) {
            return Resolution.of(Kind.FORBIDDEN);
        } catch (FileSystemException e) {
            return Resolution.of(Kind.NOT_FOUND); // ENOTDIR, ELOOP, ENAMETOOLONG: nothing to serve there
        } catch (IOException e) {
            return Resolution.of(Kind.ERROR);
        }
        if (!real.startsWith(root) || isExcluded(real)) {
            return Resolution.of(Kind.NOT_FOUND);
        }
        if (attributes.isDirectory()) {
            return new Resolution(Kind.DIRECTORY, real, attributes);
        }
        if (attributes.isRegularFile()) {
            return new Resolution(Kind.FILE, real, attributes);
        }
        return Resolution.of(Kind.NOT_FOUND); // FIFOs and devices would block or never end
    }

    private boolean isExcluded(Path real) {
        for (Path subtree : excluded) {
            if (real.startsWith(subtree)) {
                return true;
            }
        }
        return false;
    }
}
