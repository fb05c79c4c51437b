package org.wsbridge.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsbridge.e2e.Wsbridge;
import org.wsbridge.e2e.WsClient;

/**
 * {@code make install PREFIX=/usr DESTDIR=<temp>} gives a wsbridge that works from where it was installed, with
 * its man page and shell completion, and {@code make uninstall} takes every file back.
 */
class InstallIT {
    private static final Duration MAKE_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(30);
    /** make run by `make test` exports its jobserver settings, which mean nothing to a make started here. */
    private static final Map<String, String> CLEAN_MAKE_ENV = Map.of("MAKEFLAGS", "", "MFLAGS", "", "MAKELEVEL", "");

    @TempDir
    Path destdir;

    @Test
    void installedWsbridgeWorksAndUninstallRemovesEveryFile() throws Exception {
        assumeTrue(ExternalCommand.find("make").isPresent(), "make is not installed: skipping the install test");
        ExternalCommand.Result install = make("install");
        assertEquals(0, install.exit(), install.output());
        Path usr = destdir.resolve("usr");
        Path launcher = usr.resolve("bin/wsbridge");
        assertTrue(Files.isExecutable(launcher), install.output());
        assertTrue(Files.isRegularFile(usr.resolve("share/wsbridge/wsbridge.jar")), install.output());
        // Netty's and JNA's native libraries, copied out of the jar at build time, go with it
        Path nativeDir = usr.resolve("share/wsbridge/native");
        assertTrue(Files.isRegularFile(nativeDir.resolve("libjnidispatch.so")), install.output());
        try (Stream<Path> libs = Files.list(nativeDir)) {
            assertTrue(libs.anyMatch(p -> p.getFileName().toString().startsWith("libnetty_transport_native_epoll_")),
                    "no Netty epoll library in " + nativeDir);
        }
        assertTrue(Files.isRegularFile(usr.resolve("share/man/man1/wsbridge.1")), "no man page installed: "
                + install.output());
        Path bashCompletion = usr.resolve("share/bash-completion/completions/wsbridge");
        Path zshCompletion = usr.resolve("share/zsh/site-functions/_wsbridge");
        assertTrue(Files.isRegularFile(bashCompletion), install.output());
        assertTrue(Files.isRegularFile(zshCompletion), install.output());

        ExternalCommand.Result version = ExternalCommand.run(List.of(launcher.toString(), "--version"), destdir,
                RUN_TIMEOUT);
        assertEquals(0, version.exit(), version.output());
        assertTrue(version.output().startsWith("wsbridge "), version.output());
        echoesThroughTheInstalledLauncher(launcher, usr.resolve("share/wsbridge/wsbridge.jar"), nativeDir);
        bashCompletesEveryOption(launcher, bashCompletion);
        zshCompletesOptions(zshCompletion.getParent());

        ExternalCommand.Result uninstall = make("uninstall");
        assertEquals(0, uninstall.exit(), uninstall.output());
        try (Stream<Path> left = Files.walk(destdir)) {
            assertEquals(List.of(), left.filter(p -> !Files.isDirectory(p)).toList(), "files left by uninstall");
        }
    }

    private ExternalCommand.Result make(String target) throws IOException, InterruptedException {
        return ExternalCommand.run(List.of("make", "-s", target, "PREFIX=/usr", "DESTDIR=" + destdir),
                Wsbridge.basedir(), CLEAN_MAKE_ENV, MAKE_TIMEOUT);
    }

    /**
     * A real session through the installed launcher, which must have found the installed jar and pointed Netty
     * and JNA at the installed native libraries.
     */
    private static void echoesThroughTheInstalledLauncher(Path launcher, Path jar, Path nativeDir) throws Exception {
        try (Wsbridge server = Wsbridge.start(launcher, "cat")) {
            List<String> argv = List.of(Files.readString(Path.of("/proc", Long.toString(server.pid()), "cmdline"))
                    .split("\0"));
            int dashJar = argv.indexOf("-jar");
            assertTrue(dashJar >= 0 && Path.of(argv.get(dashJar + 1)).toRealPath().equals(jar.toRealPath()),
                    "the installed launcher runs " + argv);
            for (String property : List.of("-Djava.library.path=", "-Djna.boot.library.path=")) {
                List<Path> given = new ArrayList<>();
                for (String a : argv) {
                    if (a.startsWith(property)) {
                        given.add(Path.of(a.substring(property.length())).toRealPath());
                    }
                }
                assertEquals(List.of(nativeDir.toRealPath()), given, "the launcher's " + property + " in " + argv);
            }
            try (WsClient ws = WsClient.connect(server.ws("/"))) {
                ws.send("installed");
                assertEquals("installed", ws.nextText());
            }
        }
    }

    /** The completion offers every option --help lists, and file names where it has no option to offer. */
    private void bashCompletesEveryOption(Path launcher, Path script) throws Exception {
        ExternalCommand.Result help = ExternalCommand.run(List.of(launcher.toString(), "--help"), destdir,
                RUN_TIMEOUT);
        Set<String> options = new TreeSet<>();
        // The option list: lines that start, indented, with the option's name.
        Matcher m = Pattern.compile("^ +(--[a-z][a-z-]*)", Pattern.MULTILINE).matcher(help.output());
        while (m.find()) {
            options.add(m.group(1));
        }
        assertTrue(options.size() > 20, "options found in --help: " + options + "\n" + help.output());
        String probe = """
                source "$1"
                COMP_WORDS=(wsbridge --); COMP_CWORD=1; COMPREPLY=()
                _wsbridge_or_files 2>/dev/null
                printf '%s\\n' "${COMPREPLY[@]}"
                complete -p wsbridge
                """;
        ExternalCommand.Result completion = ExternalCommand.run(List.of("bash", "-c", probe, "bash",
                script.toString()), destdir, RUN_TIMEOUT);
        assertEquals(0, completion.exit(), completion.output());
        List<String> lines = completion.output().lines().toList();
        List<String> missing = new ArrayList<>(options);
        missing.removeAll(lines);
        assertEquals(List.of(), missing, "options --help lists that completion does not offer");
        assertEquals("complete -o default -F _wsbridge_or_files wsbridge", lines.get(lines.size() - 1));
    }

    /** zsh, driven through a pseudo-terminal, completes `wsbridge --passs<TAB>` from the installed _wsbridge. */
    private void zshCompletesOptions(Path functionDir) throws Exception {
        if (ExternalCommand.find("zsh").isEmpty()) {
            System.out.println("zsh is not installed: the zsh completion was installed but not tried");
            return;
        }
        Path probe = destdir.resolve("zsh-probe");
        Files.writeString(probe, """
                zmodload zsh/zpty
                zpty z zsh -f -i
                zpty -w z "PS1='> '; fpath=($1 \\$fpath); autoload -U compinit; compinit -u -D"
                zpty -w -n z $'wsbridge --passs\\t'
                zpty -r z out '*--passstderr*' && print -r -- completed
                zpty -d z
                """);
        ExternalCommand.Result zsh = ExternalCommand.run(List.of("zsh", "-f", probe.toString(),
                functionDir.toString()), destdir, Duration.ofSeconds(20));
        Files.delete(probe);
        assertEquals("completed", zsh.output().strip(), zsh.output());
    }
}
