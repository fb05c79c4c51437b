package org.wsbridge.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** Reads the process tree from /proc: who runs under whom, and whether a process still exists. */
public final class ProcTree {
    private ProcTree() {
    }

    /** A process, identified by pid and start time so that a recycled pid is never mistaken for it. */
    public record Pid(long pid, long startTime, String command) {
    }

    /** Every live descendant of {@code root}. */
    public static Set<Pid> descendants(long root) {
        Map<Long, List<Pid>> children = new HashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .forEach(p -> stat(Long.parseLong(p.getFileName().toString())).ifPresent(s ->
                            children.computeIfAbsent(s.ppid, k -> new java.util.ArrayList<>()).add(s.pid)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Set<Pid> out = new HashSet<>();
        java.util.ArrayDeque<Long> todo = new java.util.ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            for (Pid child : children.getOrDefault(todo.pop(), List.of())) {
                if (out.add(child)) {
                    todo.push(child.pid());
                }
            }
        }
        return out;
    }

    /** Every live process whose command line contains {@code text}, e.g. a temporary directory it was given. */
    public static Set<Pid> commandLineContains(String text) {
        Set<Pid> out = new HashSet<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmdline.contains(text)) {
                        stat(Long.parseLong(p.getFileName().toString())).ifPresent(s -> out.add(s.pid));
                    }
                } catch (IOException e) {
                    // it exited meanwhile
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** True while this exact process exists and is not a zombie. */
    public static boolean alive(Pid pid) {
        return stat(pid.pid()).filter(s -> s.pid.startTime() == pid.startTime() && s.state != 'Z').isPresent();
    }

    private record Stat(Pid pid, long ppid, char state) {
    }

    private static java.util.Optional<Stat> stat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int open = s.indexOf('(');
            int close = s.lastIndexOf(')');
            String comm = s.substring(open + 1, close);
            String[] f = s.substring(close + 2).split(" ");
            return java.util.Optional.of(new Stat(new Pid(pid, Long.parseLong(f[19]), comm),
                    Long.parseLong(f[1]), f[0].charAt(0)));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }
}
