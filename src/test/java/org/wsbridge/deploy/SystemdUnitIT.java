package org.wsbridge.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsbridge.e2e.Wsbridge;
import org.wsbridge.e2e.WsClient;

/**
 * examples/systemd/wsbridge.service. systemd is not PID 1 on the build machines, so the unit is never started
 * here: {@code systemd-analyze verify} checks it, the settings SPEC §8 asks for are read back from it, and a
 * wsbridge run with the unit's options shows that a stop fits in the unit's TimeoutStopSec.
 */
class SystemdUnitIT {
    private static final Path UNIT = Wsbridge.basedir().resolve("examples/systemd/wsbridge.service");
    private static final Path SYSTEM_UNITS = Path.of("/usr/lib/systemd/system");

    @Test
    void unitHasTheSettingsWsbridgeNeeds() throws IOException {
        Map<String, String> service = serviceSection();
        assertEquals("mixed", service.get("KillMode"), "SIGTERM to wsbridge alone: it runs its own ladder");
        assertEquals("45000", service.get("LimitNOFILE"));
        assertFalse(service.containsKey("MemoryDenyWriteExecute"), "breaks the JVM's JIT");
        long closeMs = closeMs(service.get("ExecStart"));
        assertTrue(seconds(service.get("TimeoutStopSec")) * 1000 >= 3000 + 3 * closeMs,
                "TimeoutStopSec must be at least 3 s + 3 x closems (" + closeMs + " ms)");
        for (String sandbox : List.of("DynamicUser=yes", "NoNewPrivileges=yes", "ProtectSystem=strict",
                "ProtectHome=yes", "PrivateTmp=yes")) {
            String[] kv = sandbox.split("=");
            assertEquals(kv[1], service.get(kv[0]), kv[0]);
        }
    }

    @Test
    void systemdAnalyzeVerifyFindsNothingToSay(@TempDir Path root) throws Exception {
        assumeTrue(ExternalCommand.find("systemd-analyze").isPresent(),
                "systemd-analyze is not installed (apt-get install systemd): skipping the unit check");
        assumeTrue(Files.isDirectory(SYSTEM_UNITS), SYSTEM_UNITS + " is missing: skipping the unit check");
        assumeTrue(ExternalCommand.find("make").isPresent(), "make is not installed: skipping the unit check");
        // A root holding what the unit refers to: the installed wsbridge, the program, systemd's own units.
        ExternalCommand.Result install = ExternalCommand.run(List.of("make", "-s", "install", "PREFIX=/usr/local",
                "DESTDIR=" + root), Wsbridge.basedir(), Map.of("MAKEFLAGS", "", "MAKELEVEL", ""),
                Duration.ofMinutes(3));
        assertEquals(0, install.exit(), install.output());
        Path program = root.resolve("srv/wsbridge/greeter.sh");
        Files.createDirectories(program.getParent());
        Files.copy(Wsbridge.basedir().resolve("examples/bash/greeter.sh"), program);
        copyTree(SYSTEM_UNITS, root.resolve("usr/lib/systemd/system"));
        Files.createDirectories(root.resolve("bin")); // ExecReload's kill, as every system has it
        Files.copy(Path.of("/bin/kill"), root.resolve("bin/kill"), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        Path unit = root.resolve("etc/systemd/system/wsbridge.service");
        Files.createDirectories(unit.getParent());
        Files.copy(UNIT, unit);

        ExternalCommand.Result verify = ExternalCommand.run(List.of("systemd-analyze", "verify", "--root=" + root,
                "--man=no", "wsbridge.service"), root, Duration.ofSeconds(60));
        assertEquals(0, verify.exit(), verify.output());
        assertEquals("", verify.output(), "systemd-analyze verify complained");
    }

    @Test
    void stopWithTheUnitsClosemsFitsInItsTimeoutStopSec(@TempDir Path dir) throws Exception {
        Map<String, String> service = serviceSection();
        long closeMs = closeMs(service.get("ExecStart"));
        Duration timeoutStop = Duration.ofSeconds(seconds(service.get("TimeoutStopSec")));
        Path signals = dir.resolve("signals");
        // ladder.sh ignores SIGINT and SIGTERM, so the whole ladder runs, up to SIGKILL.
        Wsbridge server = Wsbridge.start("--closems=" + closeMs, Wsbridge.script("ladder.sh"));
        try (server; WsClient ws = WsClient.connect(server.ws("/?" + signals))) {
            assertTrue(ws.nextText().startsWith("ready"));
            // What systemctl stop does with KillMode=mixed: SIGTERM to wsbridge alone. systemd would SIGKILL
            // everything at TimeoutStopSec; wsbridge must be done by then, having run the ladder itself.
            assertEquals(0, server.stop(timeoutStop), "exit status after SIGTERM");
            assertEquals(1001, ws.nextClose().code());
        }
        String received = Files.readString(signals);
        assertTrue(received.contains("INT") && received.contains("TERM"), "the ladder reached the program: "
                + received);
    }

    private static Map<String, String> serviceSection() throws IOException {
        Map<String, String> settings = new HashMap<>();
        String section = "";
        for (String line : Files.readAllLines(UNIT)) {
            String l = line.strip();
            if (l.startsWith("[")) {
                section = l;
            } else if (section.equals("[Service]") && !l.isEmpty() && !l.startsWith("#") && l.contains("=")) {
                settings.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1));
            }
        }
        return settings;
    }

    private static long closeMs(String execStart) {
        Matcher m = Pattern.compile("--closems[= ](\\d+)").matcher(execStart);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** A systemd time span in the forms this unit uses: "6", "6s" or "1min". */
    private static long seconds(String span) {
        Matcher m = Pattern.compile("(\\d+)\\s*(s|min)?").matcher(span.strip());
        assertTrue(m.matches(), "unsupported time span " + span);
        return Long.parseLong(m.group(1)) * ("min".equals(m.group(2)) ? 60 : 1);
    }

    /** Copies files, directories and relative links; absolute links (masked units, to /dev/null) are not needed. */
    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            files.forEach(source -> {
                Path target = to.resolve(from.relativize(source).toString());
                try {
                    if (Files.isSymbolicLink(source)) {
                        if (!Files.readSymbolicLink(source).isAbsolute()) {
                            Files.copy(source, target, LinkOption.NOFOLLOW_LINKS);
                        }
                    } else if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
