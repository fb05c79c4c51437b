package org.wsbridge.http.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The parsed contents of a credential file, with the lines that could not be used.
 *
 * @param problems one message per unusable line, naming the file and line number
 */
record CredentialFile<T>(T value, List<String> problems) {
    /** Turns the lines of a file into its contents; {@code file} is only for messages. */
    interface Parser<T> {
        CredentialFile<T> parse(Path file, List<String> lines);
    }

    CredentialFile {
        problems = List.copyOf(problems);
    }

    static <T> CredentialFile<T> read(Path file, Parser<T> parser) throws IOException {
        return parser.parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
    }
}
