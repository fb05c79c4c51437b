package org.wsbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** COMMAND is found as Go's exec.LookPath finds it, and a failure says why. */
class CommandLookupTest {
    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws IOException {
        new CliRun(dir); // bin/prog, bin/noexec, scripts/, plain.txt
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("prog"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(other.resolve("prog"), PosixFilePermissions.fromString("rwx------"));
    }

    private String resolve(String path, String command) throws UsageError {
        return new CommandLookup(new Invocation("wsbridge", Map.of("PATH", path), dir)).resolve(command);
    }

    private String reason(String path, String command) {
        UsageError error = assertThrows(UsageError.class, () -> resolve(path, command));
        assertEquals(1, error.exitCode());
        assertEquals("unable to locate specified COMMAND '" + command + "' in OS path",
                error.getMessage().lines().findFirst().orElseThrow());
        return error.getMessage().lines().skip(1).findFirst().orElseThrow();
    }

    private String reason(String path, String command, String permissionsOfCommandInCwd) {
        try {
            Path file = Files.writeString(dir.resolve(command), "#!/bin/sh\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissionsOfCommandInCwd));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return reason(path, command);
    }

    @Test
    void bareNameIsSearchedInPathOrder() throws UsageError {
        String bin = dir.resolve("bin").toString();
        String other = dir.resolve("other").toString();
        assertEquals(bin + "/prog", resolve(bin + ":" + other, "prog"));
        assertEquals(other + "/prog", resolve(other + ":" + bin, "prog"));
        assertEquals(bin + "/prog", resolve("/nonexistent:" + bin + "/", "prog"));
    }

    @Test
    void nonExecutableEntriesAreSkipped() throws UsageError {
        assertEquals(dir.resolve("bin/noexec").toString().replace("noexec", "prog"),
                resolve(dir.resolve("bin").toString(), "prog"));
        assertEquals("(no executable 'noexec' in PATH=" + dir.resolve("bin")
                + "; give a path such as ./noexec for a program that is not on the PATH)",
                reason(dir.resolve("bin").toString(), "noexec"));
    }

    @Test
    void pathWithASlashIsCheckedAndKeptAsWritten() throws UsageError {
        assertEquals("./bin/prog", resolve("", "./bin/prog"));
        assertEquals("bin/prog", resolve("", "bin/prog"));
        assertEquals("('./bin/missing' does not exist)", reason("", "./bin/missing"));
        assertEquals("('./bin' is a directory)", reason("", "./bin"));
        assertEquals("('bin/noexec' is not executable (chmod +x?))", reason("", "bin/noexec"));
    }

    @Test
    void relativePathEntriesAreRefusedLikeGo() {
        assertEquals("(it was found as 'bin/prog' through the relative PATH entry 'bin'; write ./prog or give an"
                + " absolute path)", reason("bin", "prog"));
        assertEquals("(it was found as 'prog' through an empty PATH entry (the current directory); write ./prog or"
                + " give an absolute path)", reason(":/nonexistent", "prog", "rwxr-xr-x"));
        assertEquals("(it was found as 'prog' through the relative PATH entry '.'; write ./prog or give an absolute"
                + " path)", reason(".", "prog", "rwxr-xr-x"));
    }

    @Test
    void emptyCommandAndUnsetPath() {
        assertEquals("(no executable 'prog' in PATH=; give a path such as ./prog for a program that is not on the"
                + " PATH)", reason("", "prog"));
        reason(dir.resolve("bin").toString(), "");
    }
}
