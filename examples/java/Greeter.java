// Greets every line it receives; ends when the client leaves (stdin EOF).
//   wsbridge --port=8080 java examples/java/Greeter.java
// A single-file program (Java 11 and later): `java Greeter.java` compiles it in memory and runs it.

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

public class Greeter {
    public static void main(String[] args) throws IOException {
        // UTF-8 both ways, whatever the locale: wsbridge passes no LANG, and the JVM's default would then be
        // ASCII, turning every non-ASCII character into '?'. `true`: flush at every println.
        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        var out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        String line;
        while ((line = in.readLine()) != null) {
            out.println("Hello " + line + "!");
        }
    }
}
