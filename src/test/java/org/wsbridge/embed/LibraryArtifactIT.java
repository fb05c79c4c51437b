package org.wsbridge.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wsbridge.e2e.WsClient;

/**
 * The library as a user of the README's dependency snippet gets it: this build's jar and pom, put in a local
 * repository of their own (beside everything else of the build's local repository), resolved by Maven offline
 * for a small consumer project. It must bring what the library uses (Netty, JNA) and nothing only the command
 * line needs; the embedded examples must compile against it, and the Netty one must run on that classpath alone.
 */
class LibraryArtifactIT {
    private static final String VERSION = System.getProperty("wsbridge.version", "0.1.0");
    private static final Path BASEDIR = Path.of(System.getProperty("wsbridge.basedir", ".")).toAbsolutePath();
    private static final Path M2 = Path.of(System.getProperty("wsbridge.maven.repository",
            System.getProperty("user.home") + "/.m2/repository"));
    private static final Path MVN = Path.of(System.getProperty("wsbridge.maven.home", "/usr/share/maven"), "bin", "mvn");
    private static final String DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1";

    private static Path work;
    private static Path repository;

    @BeforeAll
    static void repository() throws IOException {
        work = Files.createTempDirectory("wsbridge-consumer");
        repository = work.resolve("repository");
        // Everything of the build's local repository but org/wsbridge, linked; then this build's artifact, as
        // `mvn install` would put it there.
        Files.createDirectories(repository.resolve("org"));
        try (Stream<Path> top = Files.list(M2)) {
            for (Path p : top.toList()) {
                if (!p.getFileName().toString().equals("org")) {
                    Files.createSymbolicLink(repository.resolve(p.getFileName().toString()), p);
                }
            }
        }
        try (Stream<Path> org = Files.list(M2.resolve("org"))) {
            for (Path p : org.toList()) {
                if (!p.getFileName().toString().equals("wsbridge")) {
                    Files.createSymbolicLink(repository.resolve("org").resolve(p.getFileName().toString()), p);
                }
            }
        }
        Path artifact = Files.createDirectories(repository.resolve("org/wsbridge/wsbridge/" + VERSION));
        Files.copy(BASEDIR.resolve("target/wsbridge-" + VERSION + ".jar"),
                artifact.resolve("wsbridge-" + VERSION + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(BASEDIR.resolve("pom.xml"), artifact.resolve("wsbridge-" + VERSION + ".pom"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (work == null) {
            return;
        }
        // Files.walk does not follow the links: only this test's own files go.
        try (Stream<Path> files = Files.walk(work)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static Path project(String name, String extraDependencies, String build) throws IOException {
        Path dir = Files.createDirectories(work.resolve(name));
        Files.writeString(dir.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>org.wsbridge.it</groupId>
                  <artifactId>%s</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencies>
                    <dependency>
                      <groupId>org.wsbridge</groupId>
                      <artifactId>wsbridge</artifactId>
                      <version>%s</version>
                    </dependency>
                    %s
                  </dependencies>
                  <build>%s
                    <plugins>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-compiler-plugin</artifactId>
                        <version>3.13.0</version>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(name, VERSION, extraDependencies, build));
        return dir;
    }

    /** Runs Maven offline on the test's repository in dir; fails with its output unless it succeeds. */
    private static void mvn(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(MVN.toString(), "-o", "-B", "-q",
                "-Dmaven.repo.local=" + repository));
        cmd.addAll(List.of(args));
        Path log = dir.resolve("mvn.log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("mvn " + List.of(args) + " did not end in 5 minutes");
        }
        assertEquals(0, p.exitValue(), "mvn " + List.of(args) + ":\n" + Files.readString(log));
    }

    @Test
    void theArtifactBringsWhatTheLibraryUsesAndTheExamplesRunOnIt() throws Exception {
        Path plain = project("plain", "", "");
        mvn(plain, DEPENDENCY_PLUGIN + ":list", "-DoutputFile=list.txt", "-DincludeScope=runtime",
                DEPENDENCY_PLUGIN + ":build-classpath", "-Dmdep.outputFile=cp.txt", "-Dmdep.includeScope=runtime");
        List<String> resolved = Files.readAllLines(plain.resolve("list.txt")).stream().map(String::strip)
                .filter(line -> line.matches("[^ :]+:[^ :]+:.*")).toList();
        String all = String.join("\n", resolved);
        for (String needed : List.of("io.netty:netty-codec-http:", "io.netty:netty-handler:",
                "io.netty:netty-transport-native-epoll:jar:linux-x86_64:", "net.java.dev.jna:jna:")) {
            assertTrue(all.contains(needed), "the library needs " + needed + "; resolved:\n" + all);
        }
        List<String> allowedGroups = List.of("org.wsbridge:", "io.netty:", "net.java.dev.jna:");
        List<String> extra = resolved.stream().filter(d -> allowedGroups.stream().noneMatch(d::startsWith))
                .filter(d -> !d.startsWith("io.netty:netty-tcnative")).toList();
        assertEquals(List.of(), extra, "dependencies that only the command line uses");
        assertTrue(resolved.stream().noneMatch(d -> d.startsWith("io.netty:netty-tcnative")
                || d.startsWith("io.netty:netty-codec-dns") || d.startsWith("io.netty:netty-resolver-dns")), all);

        // The examples compile against the artifact (Jetty's side from Jetty's own artifacts)...
        Path examples = project("examples", """
                <dependency>
                  <groupId>org.eclipse.jetty.ee10.websocket</groupId>
                  <artifactId>jetty-ee10-websocket-jakarta-server</artifactId>
                  <version>%s</version>
                </dependency>
                """.formatted(System.getProperty("wsbridge.jetty.version")),
                "<sourceDirectory>" + BASEDIR.resolve("examples/embedded/src") + "</sourceDirectory>");
        mvn(examples, "compile");

        // ...and the Netty one runs with the artifact's dependencies alone.
        String classpath = examples.resolve("target/classes") + ":" + Files.readString(plain.resolve("cp.txt")).strip();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process app = new ProcessBuilder(java.toString(), "-cp", classpath,
                "org.wsbridge.examples.embedded.NettyGreeter", "0",
                BASEDIR.resolve("examples/embedded/greeter.sh").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
            String first = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return e.toString();
                }
            }).get(60, TimeUnit.SECONDS);
            assertTrue(first != null && first.startsWith("ws://127.0.0.1:"), "NettyGreeter printed " + first);
            URI uri = URI.create(first.substring(0, first.indexOf(' ')));
            try (WsClient alice = WsClient.connect(uri, Map.of("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8))))) {
                alice.expectText("hello alice");
                alice.send("hi").expectText("alice said: hi");
                alice.sendClose(1000, "");
                assertEquals(1000, alice.nextClose().code());
            }
        } finally {
            app.destroy();
            if (!app.waitFor(30, TimeUnit.SECONDS)) {
                app.destroyForcibly().waitFor();
            }
        }
    }
}
