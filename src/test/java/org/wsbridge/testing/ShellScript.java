package org.wsbridge.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Small executable {@code /bin/sh} scripts written by a test into its temporary directory. */
public final class ShellScript {
    private ShellScript() {
    }

    /** Writes {@code dir/name} with a {@code #!/bin/sh} line and {@code lines}, executable; returns its path. */
    public static Path write(Path dir, String name, String... lines) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + String.join("\n", lines) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
